// The recording step of deliver for DMARC reports (dmarc_report_stage.hpp).
#include "deliver/dmarc_report_stage.hpp"

#include <ctime>

#include "deliver/authenticate_stage.hpp"
#include "mailroom/dmarc_report/received_store.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/passwd.hpp"

namespace mailroom::deliver {

dmarc_report::Recorder open_dmarc_recorder(const Config& config) {
  if (!config.auth.enabled || config.dmarc_report.spool.empty()) return {};
  return dmarc_report::Recorder::open(config.dmarc_report.spool, std::time(nullptr));
}

void record_for_reports(const dmarc_report::Recorder& recorder, const message::Message& message,
                        const Envelope& envelope, const auth::AuthResults& results,
                        const AuthenticationConfig& config) noexcept {
  if (!recorder.active() || !results.dmarc.record) return;
  try {
    const auto input = auth_input_from(envelope, message, config);
    auto record = dmarc_report::record_from(results, input.client_ip, input.mail_from.value_or(""),
                                            std::time(nullptr));
    if (record) recorder.append(*record);
  } catch (...) {
    log::warn("dmarc_report: this delivery could not be recorded (out of memory)");
  }
}

namespace {

bool same_address(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Outcome read_reports_after(Outcome outcome, const Config& config, const Envelope& envelope,
                           const std::string& home, const std::string& user,
                           const message::Message& message) noexcept {
  const auto& report = config.dmarc_report;
  if (outcome.exit_code != 0 || report.reports_mailbox.empty() ||
      !same_address(envelope.final_recipient, report.reports_mailbox))
    return outcome;
  try {
    const auto store = expand_user_path(report.received_store, home, user);
    if (store.empty() || (report.received_store[0] == '~' && home.empty())) return outcome;
    for (const auto& note : dmarc_report::store_reports(message, store))
      log::info("dmarc_report: {}", note);
  } catch (...) {
    log::warn("dmarc_report: the reports of this message could not be read (out of memory)");
  }
  return outcome;
}

}  // namespace mailroom::deliver
