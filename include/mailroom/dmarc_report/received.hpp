// Aggregate reports other receivers send us (the domain owner's side of
// RFC 7489 §7.2): the XML out of its attachment (gzip, zip or plain) and
// the report out of the XML. Hostile input: every size is bounded while
// it is read, nothing is written to disk, no name from an archive is used
// as a path, and the XML has no DTD (xml_reader.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/dmarc_report/record.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dmarc_report {

struct ReceivedLimits {
  std::size_t max_xml_bytes = std::size_t{32} << 20;  // one report, uncompressed
  std::size_t max_entries = 64;                       // zip entries looked at
  std::size_t max_records = 200000;                   // <record> elements
};

// The report XML of one attachment: gzip (RFC 1952), zip (the first entry
// named *.xml, stored or deflated) or the XML itself. ErrorKind::data when
// it is none of these (a text part, a logo), parse for a damaged archive
// or one with no XML in it, limit for one that inflates past max_xml_bytes
// (a zip bomb stops there).
[[nodiscard]] Result<std::string> report_xml(std::string_view attachment,
                                             const ReceivedLimits& limits = {});

struct ReceivedRow {
  std::string source_ip;
  std::uint64_t count = 0;
  std::string disposition;  // none, quarantine, reject
  bool dkim_aligned = false;
  bool spf_aligned = false;
  std::string header_from;
  std::string envelope_from;
  std::vector<DkimOutcome> dkim;  // auth_results/dkim
  std::string spf_domain;         // the first auth_results/spf
  std::string spf_result;
};

struct ReceivedReport {
  std::string org_name;  // the reporter
  std::string email;
  std::string report_id;
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::string policy_domain;
  std::string policy;  // p=
  std::vector<ReceivedRow> rows;
};

// Missing optional fields are empty; a report without report_metadata,
// policy_published/domain or a record is an ErrorKind::parse error.
[[nodiscard]] Result<ReceivedReport> parse_report(std::string_view xml,
                                                  const ReceivedLimits& limits = {});

}  // namespace mailroom::dmarc_report
