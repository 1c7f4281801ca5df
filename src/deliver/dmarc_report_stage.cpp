// The recording step of deliver for DMARC reports (dmarc_report_stage.hpp).
#include "deliver/dmarc_report_stage.hpp"

#include <ctime>

#include "deliver/authenticate_stage.hpp"
#include "mailroom/util/log.hpp"

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

}  // namespace mailroom::deliver
