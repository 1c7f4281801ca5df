// Sending the recorded failure reports (failure.hpp) from `dmarc send`.
#pragma once

#include <string>
#include <vector>

#include "dmarc_report/sent_state.hpp"
#include "mailroom/dmarc_report/failure.hpp"
#include "mailroom/dmarc_report/send.hpp"

namespace mailroom::dmarc_report {

struct FailureOutcome {
  std::vector<std::string> lines;
  bool settled = true;  // every report sent, over the rate limit or without destination
};

// The failure reports of <spool>/<day>.failures not yet sent (marker
// sent/<day>/F<offset of its line>), one of those alike (the same message
// for several of our recipients), at most options.failures_per_hour
// per reported domain and UTC hour of arrival (the first ones in the
// file), to the ruf= addresses §7.1 allows. Nothing when
// options.failure_reports is off.
[[nodiscard]] FailureOutcome send_failures(const std::string& day, const SentState& state,
                                           const SendOptions& options);

// The report's mail (RFC 6591 §3, RFC 6522): multipart/report;
// report-type=feedback-report with a text part, the message/feedback-report
// part and the redacted header section as text/rfc822-headers.
[[nodiscard]] std::string failure_message(const FailureRecord& record,
                                          const std::vector<std::string>& recipients,
                                          const std::string& id, const SendOptions& options);

}  // namespace mailroom::dmarc_report
