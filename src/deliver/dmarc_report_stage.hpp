// The DMARC report steps of deliver (issue 17, mailroom-dmarc(8)): the day
// file of the reports we send, opened as root; after the delivery, one
// line in it when the From domain's DMARC record asks for reports (rua=),
// and the reports others send read from the reports mailbox.
#pragma once

#include <string>

#include "deliver/envelope.hpp"
#include "mailroom/auth/authenticate.hpp"
#include "mailroom/deliver/deliver.hpp"
#include "mailroom/dmarc_report/failure.hpp"
#include "mailroom/dmarc_report/recorder.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

// Opens today's day file of dmarc_report.spool (before privileges drop:
// the spool is root's); inactive when the spool or authentication is off.
[[nodiscard]] dmarc_report::Recorder open_dmarc_recorder(const Config& config);
// Today's failure-report file of the spool, the same way; inactive unless
// dmarc_report.failure_reports is on.
[[nodiscard]] dmarc_report::FailureRecorder open_dmarc_failures(const Config& config);

// What the DMARC steps after a delivery need.
struct DeliveredMessage {
  const Config& config;
  const Envelope& envelope;
  const std::string& home;
  const std::string& user;
  const message::Message& message;
  const auth::AuthResults& auth;
  const dmarc_report::Recorder& recorder;
  const dmarc_report::FailureRecorder& failures;
};

// After a delivery that succeeded (exit 0; a tempfailed one will come
// again and would count twice): one record for the reports we send, when
// the From domain asks for them (rua=); and when the recipient is
// dmarc_report.reports_mailbox, the reports attached to the message into
// received_store, as the recipient. Never changes the outcome, never
// throws: what went wrong is logged.
[[nodiscard]] Outcome dmarc_after_delivery(Outcome outcome,
                                           const DeliveredMessage& delivered) noexcept;

}  // namespace mailroom::deliver
