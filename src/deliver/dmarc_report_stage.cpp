// The recording step of deliver for DMARC reports (dmarc_report_stage.hpp).
#include "deliver/dmarc_report_stage.hpp"

#include <ctime>

#include "deliver/authenticate_stage.hpp"
#include "mailroom/dmarc_report/received_store.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/passwd.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {

dmarc_report::Recorder open_dmarc_recorder(const Config& config) {
  if (!config.auth.enabled || config.dmarc_report.spool.empty()) return {};
  return dmarc_report::Recorder::open(config.dmarc_report.spool, std::time(nullptr));
}

dmarc_report::FailureRecorder open_dmarc_failures(const Config& config) {
  const auto& report = config.dmarc_report;
  if (!config.auth.enabled || report.spool.empty() || !report.failure_reports) return {};
  return dmarc_report::FailureRecorder::open(report.spool, std::time(nullptr));
}

namespace {

// RFC 7489 §7.3 failure reports, when the From domain's ruf= and fo= ask.
void record_failures(const DeliveredMessage& d, const auth::AuthInput& input) {
  if (!d.failures.active()) return;
  // A failing message under p=quarantine or reject went to the spam stage.
  const bool spam = d.auth.dmarc.policy != auth::DmarcPolicy::none;
  const std::string mail_from = input.mail_from.value_or("");
  const dmarc_report::FailureFacts facts{d.auth,
                                         d.message,
                                         input.client_ip,
                                         mail_from,
                                         d.envelope.final_recipient,
                                         spam ? "spam" : "delivered",
                                         std::time(nullptr)};
  for (const auto& record : dmarc_report::failure_records(facts)) d.failures.append(record);
}

void record_for_reports(const DeliveredMessage& d) {
  if ((!d.recorder.active() && !d.failures.active()) || !d.auth.dmarc.record) return;
  const auto input = auth_input_from(d.envelope, d.message, d.config.auth);
  record_failures(d, input);
  if (!d.recorder.active()) return;
  auto record = dmarc_report::record_from(d.auth, input.client_ip, input.mail_from.value_or(""),
                                          std::time(nullptr));
  if (record) d.recorder.append(*record);
}

void read_reports(const DeliveredMessage& d) {
  const auto& report = d.config.dmarc_report;
  if (report.reports_mailbox.empty() ||
      !iequals(d.envelope.final_recipient, report.reports_mailbox))
    return;
  if (report.received_store.empty() || (report.received_store[0] == '~' && d.home.empty())) return;
  const auto store = expand_user_path(report.received_store, d.home, d.user);
  for (const auto& note : dmarc_report::store_reports(d.message, store))
    log::info("dmarc_report: {}", note);
}

}  // namespace

Outcome dmarc_after_delivery(Outcome outcome, const DeliveredMessage& delivered) noexcept {
  if (outcome.exit_code != 0) return outcome;
  try {
    record_for_reports(delivered);
    read_reports(delivered);
  } catch (...) {
    log::warn("dmarc_report: not recorded or read after delivery (out of memory)");
  }
  return outcome;
}

}  // namespace mailroom::deliver
