// Maildir++ quota (Courier's README.maildirquota, also read and written by
// Dovecot's quota=maildir backend): a "maildirsize" file in the Maildir root
// whose first line defines the quota ("<bytes>S,<count>C") and whose other
// lines are "<bytes> <count>" deltas, summed to get the current usage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::maildir {

// Zero means "no limit" for that resource, as Dovecot writes it.
struct QuotaDefinition {
  std::uint64_t bytes = 0;
  std::uint64_t count = 0;
  bool limited() const { return bytes != 0 || count != 0; }
};

struct QuotaUsage {
  std::int64_t bytes = 0;  // deltas may be negative (expunges); sums too, briefly
  std::int64_t count = 0;
};

enum class QuotaResource { none, bytes, count };

struct QuotaCheck {
  bool limited = false;                      // false: no quota applies
  QuotaResource over = QuotaResource::none;  // which limit this message would exceed
  QuotaDefinition limit;
  QuotaUsage used;            // before this message
  bool recalculated = false;  // maildirsize was rebuilt from the folders
  bool absent = false;        // there is no maildirsize file
  bool from_default = false;  // the limit is Options::default_quota's
  std::string warning;        // e.g. the rebuilt maildirsize could not be saved
  bool ok() const { return over == QuotaResource::none; }
};

struct MaildirsizeLimits {
  std::uint64_t recalculate_above_bytes = 5120;  // Maildir++: "larger than 5120 bytes"
  long long stale_after_seconds = 15LL * 60;     // Maildir++: over quota and older than 15 min
  std::uint64_t max_read_bytes = 64ULL * 1024;   // never read more than this of the file
};

// a + b, clamped to [INT64_MIN, INT64_MAX] instead of overflowing.
std::int64_t saturating_add(std::int64_t a, std::int64_t b);

// "1000000S,1000C", "1000000S", "1000C" (order free). Refuses anything else.
Result<QuotaDefinition> parse_quota_definition(std::string_view text);

struct Maildirsize {
  QuotaDefinition definition;
  QuotaUsage usage;
  std::size_t lines = 0;  // delta lines after the definition
};

// Parses a whole maildirsize file. A malformed delta line, or one whose
// numbers no store writes (over 2^50 bytes or 2^40 messages either way), is
// an error: the caller recalculates rather than trusting a corrupt sum.
// Sums saturate at the int64 range instead of overflowing.
Result<Maildirsize> parse_maildirsize(std::string_view content);

}  // namespace mailroom::maildir
