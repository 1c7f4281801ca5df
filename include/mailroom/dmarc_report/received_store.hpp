// The store of aggregate reports received (dmarc_report.received_store):
// one file per reported domain, <store>/<domain>.rows, a line per report
// row, appended with one write per report; <store>/seen/<id> marks a
// report (reporter + Report-ID) already stored, so a report that arrives
// twice counts once. `mailroom dmarc summary` reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/dmarc_report/received.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::dmarc_report {

struct StoredRow {
  std::string reporter;  // org_name
  std::string report_id;
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::string domain;  // policy_published/domain
  ReceivedRow row;
};

// Every report attached to `message` (each leaf part that is gzip, zip or
// XML) into `store`. Never throws; what happened, in words, one line per
// attachment ("stored report X from Y for Z: N rows", "not a report: ...").
[[nodiscard]] std::vector<std::string> store_reports(const message::Message& message,
                                                     const std::string& store,
                                                     const ReceivedLimits& limits = {}) noexcept;

// One report into the store; false when it was there already.
[[nodiscard]] Result<bool> store_report(const ReceivedReport& report, const std::string& store);

// The rows of `domain` (every domain when empty) whose period ends at or
// after `since`.
[[nodiscard]] Result<std::vector<StoredRow>> load_rows(const std::string& store,
                                                       const std::string& domain,
                                                       std::int64_t since);

}  // namespace mailroom::dmarc_report
