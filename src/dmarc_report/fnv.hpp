// Stable short ids (report ids, "seen" marker names): FNV-1a, 64 bits, as
// 16 hex digits. Not a secret and not a defence, only the same text gives
// the same id on every run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace mailroom::dmarc_report {

[[nodiscard]] inline std::string fnv1a_hex(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char out[20];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

}  // namespace mailroom::dmarc_report
