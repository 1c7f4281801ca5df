// The mail that carries a report (RFC 7489 §7.2.1.1): subject, file name
// and media type as the RFC gives them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mailroom/dmarc_report/report.hpp"

namespace mailroom::dmarc_report {

// RFC 5322 §3.3 date-time in UTC: "Mon, 7 Dec 2026 10:00:00 +0000".
[[nodiscard]] std::string rfc5322_date(std::int64_t now);

// receiver "!" policy-domain "!" begin "!" end ".xml.gz"
[[nodiscard]] std::string report_filename(const AggregateReport& report,
                                          const ReportMetadata& metadata);

// The whole message: header fields, a text part, the gzipped XML as an
// application/gzip attachment (base64).
[[nodiscard]] std::string report_message(const AggregateReport& report,
                                         const ReportMetadata& metadata,
                                         const std::vector<std::string>& recipients,
                                         const std::string& gzipped, std::int64_t now);

}  // namespace mailroom::dmarc_report
