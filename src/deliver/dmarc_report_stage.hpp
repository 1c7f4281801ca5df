// Recording a delivery for the DMARC aggregate reports we send (issue 17,
// mailroom-dmarc(8)): after authentication, one line in the spool's day
// file when the From domain's DMARC record asks for reports (rua=).
#pragma once

#include <string>

#include "deliver/envelope.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/auth/authenticate.hpp"
#include "mailroom/dmarc_report/recorder.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

// Opens today's day file of dmarc_report.spool (before privileges drop:
// the spool is root's); inactive when the spool or authentication is off.
[[nodiscard]] dmarc_report::Recorder open_dmarc_recorder(const Config& config);

// Never fails and never delays the delivery beyond one write(2): errors
// are logged.
void record_for_reports(const dmarc_report::Recorder& recorder, const message::Message& message,
                        const Envelope& envelope, const auth::AuthResults& results,
                        const AuthenticationConfig& config) noexcept;

// After a delivery to dmarc_report.reports_mailbox (exit 0 only): the
// aggregate reports attached to the message into received_store, as the
// recipient. Never changes the outcome; what it did is logged.
[[nodiscard]] Outcome read_reports_after(Outcome outcome, const Config& config,
                                         const Envelope& envelope, const std::string& home,
                                         const std::string& user,
                                         const message::Message& message) noexcept;

}  // namespace mailroom::deliver
