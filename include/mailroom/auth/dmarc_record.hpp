// DMARC policy records (RFC 7489 §6.3, §6.4): the TXT record at
// _dmarc.<domain>. Untrusted input: parsed under DmarcLimits, errors are
// typed and carry the byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace mailroom::auth {

enum class DmarcPolicy : std::uint8_t { none, quarantine, reject };
enum class DmarcAlignment : std::uint8_t { relaxed, strict };

[[nodiscard]] std::string_view to_string(DmarcPolicy policy) noexcept;
[[nodiscard]] std::string_view to_string(DmarcAlignment alignment) noexcept;

struct DmarcLimits {
  std::size_t max_bytes = 4096;  // a TXT record longer than this is refused
  std::size_t max_tags = 32;     // RFC 7489 defines 11
  std::size_t max_uris = 16;     // per rua= / ruf=
};

// dmarc-uri (§6.4): a URI with an optional "!size" limit.
struct DmarcUri {
  std::string uri;
  std::optional<std::uint64_t> max_bytes;  // "!10m" -> 10 * 2^20
};

struct DmarcRecord {
  DmarcPolicy policy = DmarcPolicy::none;                   // p=
  std::optional<DmarcPolicy> subdomain_policy;              // sp=; absent means p=
  unsigned percent = 100;                                   // pct=
  DmarcAlignment dkim_alignment = DmarcAlignment::relaxed;  // adkim=
  DmarcAlignment spf_alignment = DmarcAlignment::relaxed;   // aspf=
  std::vector<DmarcUri> aggregate_reports;                  // rua=
  std::vector<DmarcUri> failure_reports;                    // ruf=
  std::string failure_options = "0";                        // fo=
  std::string report_format = "afrf";                       // rf=
  std::uint32_t report_interval = 86400;                    // ri=
  // §6.6.3 step 6: p= was missing or invalid but rua= named a valid URI, so
  // the record is read as p=none.
  bool policy_defaulted = false;

  [[nodiscard]] DmarcPolicy policy_for(bool subdomain) const noexcept {
    return subdomain && subdomain_policy ? *subdomain_policy : policy;
  }
};

enum class DmarcRecordErrorCode : std::uint8_t {
  too_long,        // longer than DmarcLimits::max_bytes
  too_many_tags,   // more than DmarcLimits::max_tags (or max_uris in a list)
  not_dmarc,       // does not start with "v=DMARC1" (§6.6.3 step 4: not a DMARC record)
  bad_syntax,      // not tag=value pairs separated by ";"
  duplicate_tag,   // a tag given twice
  missing_policy,  // no valid p= and no valid rua= to fall back on (§6.6.3 step 6)
  invalid_value,   // a known tag with a malformed value
};

[[nodiscard]] std::string_view to_string(DmarcRecordErrorCode code) noexcept;

struct DmarcRecordError {
  DmarcRecordErrorCode code = DmarcRecordErrorCode::bad_syntax;
  std::size_t offset = 0;  // byte offset in the record
  std::string detail;      // the tag concerned, or what was expected

  // "invalid_value at byte 12: pct" style, for reasons and logs.
  [[nodiscard]] std::string describe() const;
};

using DmarcRecordResult = tl::expected<DmarcRecord, DmarcRecordError>;

// True when `text` starts with "v" *WSP "=" *WSP "DMARC1" followed by the
// end, WSP or ";" (§6.6.3 step 4: other TXT records at _dmarc are ignored).
[[nodiscard]] bool is_dmarc_record(std::string_view text) noexcept;

// Parses one record. Unknown tags are ignored (§6.3). Tag names and
// keyword values compare case-insensitively (ABNF strings), "DMARC1" is
// case-sensitive.
[[nodiscard]] DmarcRecordResult parse_dmarc_record(std::string_view text,
                                                   const DmarcLimits& limits = {});

}  // namespace mailroom::auth
