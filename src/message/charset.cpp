// Charset conversion uses glibc iconv, not ICU. Why: iconv is part of libc,
// so `deliver` loads no extra shared object and no 30 MB ICU data file at
// start-up (its start-up time is part of its speed, DESIGN.md); glibc's
// gconv modules cover every charset seen in mail (CJK, Cyrillic, the Windows
// code pages, UTF-16/32). ICU's extras (charset detection, normalisation)
// are not needed to turn a declared charset into UTF-8. The hot cases
// (UTF-8, US-ASCII, Latin-1/windows-1252) are handled here without iconv.
#include "mailroom/message/charset.hpp"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <utility>
#include <vector>

namespace mailroom::message {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// windows-1252 0x80..0x9F (WHATWG encoding standard); 0 = undefined.
constexpr std::array<std::uint16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_cp1252(std::string_view in, std::string& out, Defects& defects, std::size_t max_out) {
  for (const char c : in) {
    if (out.size() >= max_out) {
      defects.add(Defect::decoded_truncated);
      return;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out.push_back(c);
    } else if (u < 0xA0) {
      const std::uint16_t cp = kCp1252High[u - 0x80];
      append_code_point(cp == 0 ? u : cp, out);
    } else {
      append_code_point(u, out);
    }
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629 §4).
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return len;
}

// Copies valid UTF-8, replacing each invalid byte by U+FFFD.
void append_sanitized_utf8(std::string_view in, std::string& out, Defects& defects,
                           std::size_t max_out) {
  std::size_t i = 0;
  while (i < in.size()) {
    if (out.size() >= max_out) {
      defects.add(Defect::decoded_truncated);
      return;
    }
    const std::size_t len = utf8_sequence(in, i);
    if (len == 0) {
      out += kReplacement;
      defects.add(Defect::bad_charset);
      ++i;
    } else {
      out.append(in.substr(i, len));
      i += len;
    }
  }
}

enum class Kind { utf8, ascii_or_guess, cp1252, iconv };

struct Resolved {
  Kind kind = Kind::ascii_or_guess;
  std::string iconv_name;
};

std::string lower_name(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (c == '"' || c == '\'' || c == ' ' || c == '\t') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    s.push_back(c);
  }
  return s;
}

// A charset name only ever reaches iconv_open if it looks like one: a
// hostile "UTF-8//IGNORE" or a 1 MB name must not steer iconv.
bool plausible_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 40) return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

Resolved resolve(std::string_view charset) {
  const std::string s = lower_name(charset);
  using Alias = std::pair<std::string_view, std::string_view>;
  static constexpr std::array<Alias, 14> kIconvAliases{{
      // Declared subsets whose supersets are what senders really use.
      {"gb2312", "GB18030"},
      {"gbk", "GB18030"},
      {"x-gbk", "GB18030"},
      {"euc-cn", "GB18030"},
      {"cp936", "GB18030"},
      {"ks_c_5601-1987", "CP949"},
      {"ks_c_5601", "CP949"},
      {"euc-kr", "CP949"},
      {"iso-8859-8-i", "ISO-8859-8"},
      {"shift-jis", "CP932"},
      {"shift_jis", "CP932"},
      {"x-sjis", "CP932"},
      {"sjis", "CP932"},
      {"big5", "BIG5-HKSCS"},
  }};
  if (s == "utf-8" || s == "utf8" || s == "unicode-1-1-utf-8") return {Kind::utf8, {}};
  if (s.empty() || s == "us-ascii" || s == "ascii" || s == "ansi_x3.4-1968" ||
      s == "unknown-8bit" || s == "x-unknown" || s == "unknown" || s == "default" || s == "us" ||
      s == "7bit" || s == "8bit")
    return {Kind::ascii_or_guess, {}};
  // WHATWG: Latin-1 labels mean windows-1252 in practice.
  if (s == "iso-8859-1" || s == "iso8859-1" || s == "iso_8859-1" || s == "latin1" || s == "l1" ||
      s == "windows-1252" || s == "cp1252" || s == "x-cp1252")
    return {Kind::cp1252, {}};
  for (const auto& [alias, target] : kIconvAliases) {
    if (s == alias) return {Kind::iconv, std::string(target)};
  }
  if (!plausible_name(s)) return {Kind::ascii_or_guess, "?"};
  return {Kind::iconv, s};
}

// A few open iconv descriptors per thread: iconv_open loads and parses
// gconv modules, far too slow to repeat per part.
class IconvCache {
 public:
  IconvCache() = default;
  IconvCache(const IconvCache&) = delete;
  IconvCache& operator=(const IconvCache&) = delete;
  ~IconvCache() {
    for (auto& e : entries_) {
      if (e.cd != kInvalid) ::iconv_close(e.cd);
    }
  }

  // Descriptor for name -> UTF-8, or kInvalid if iconv does not know it.
  iconv_t get(const std::string& name) {
    for (auto& e : entries_) {
      if (e.name == name) return e.cd;
    }
    iconv_t cd = ::iconv_open("UTF-8", name.c_str());
    if (entries_.size() >= kMax) {
      if (entries_.front().cd != kInvalid) ::iconv_close(entries_.front().cd);
      entries_.erase(entries_.begin());
    }
    entries_.push_back({name, cd});
    return cd;
  }

  static inline const iconv_t kInvalid = reinterpret_cast<iconv_t>(-1);  // NOLINT

 private:
  struct Entry {
    std::string name;
    iconv_t cd;
  };
  static constexpr std::size_t kMax = 16;
  std::vector<Entry> entries_;
};

bool convert_iconv(iconv_t cd, std::string_view in, std::string& out, Defects& defects,
                   std::size_t max_out) {
  ::iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  std::array<char, 16384> chunk{};
  char* src = const_cast<char*>(in.data());  // NOLINT: iconv's API is not const-correct
  std::size_t src_left = in.size();
  while (src_left > 0) {
    if (out.size() >= max_out) {
      defects.add(Defect::decoded_truncated);
      return true;
    }
    char* dst = chunk.data();
    std::size_t dst_left = chunk.size();
    const std::size_t rc = ::iconv(cd, &src, &src_left, &dst, &dst_left);
    out.append(chunk.data(), chunk.size() - dst_left);
    if (rc != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    // EILSEQ: invalid byte; EINVAL: truncated sequence at the end.
    defects.add(Defect::bad_charset);
    out += kReplacement;
    ++src;
    --src_left;
    ::iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  // Flush a stateful encoding's pending output (ISO-2022-JP shift back).
  char* dst = chunk.data();
  std::size_t dst_left = chunk.size();
  ::iconv(cd, nullptr, nullptr, &dst, &dst_left);
  out.append(chunk.data(), chunk.size() - dst_left);
  return true;
}

bool all_ascii(std::string_view s) noexcept {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void guess(std::string_view bytes, std::string& out, Defects& defects, std::size_t max_out) {
  if (all_ascii(bytes) || is_valid_utf8(bytes)) {
    append_sanitized_utf8(bytes, out, defects, max_out);
  } else {
    append_cp1252(bytes, out, defects, max_out);
  }
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) noexcept {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t len = utf8_sequence(bytes, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void append_utf8(std::string_view bytes, std::string_view charset, std::string& out,
                 Defects& defects, std::size_t max_out) {
  const std::size_t start = out.size();
  const Resolved r = resolve(charset);
  switch (r.kind) {
    case Kind::utf8:
      append_sanitized_utf8(bytes, out, defects, max_out);
      break;
    case Kind::cp1252:
      append_cp1252(bytes, out, defects, max_out);
      break;
    case Kind::ascii_or_guess:
      if (!r.iconv_name.empty()) defects.add(Defect::bad_charset);
      guess(bytes, out, defects, max_out);
      break;
    case Kind::iconv: {
      thread_local IconvCache cache;
      iconv_t cd = cache.get(r.iconv_name);
      if (cd == IconvCache::kInvalid) {
        defects.add(Defect::bad_charset);
        guess(bytes, out, defects, max_out);
      } else {
        convert_iconv(cd, bytes, out, defects, max_out);
      }
      break;
    }
  }
  if (out.size() > max_out) {
    // Cut at a character boundary.
    std::size_t cut = max_out;
    while (cut > start && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    defects.add(Defect::decoded_truncated);
  }
}

std::string to_utf8(std::string_view bytes, std::string_view charset, Defects& defects) {
  std::string out;
  out.reserve(bytes.size());
  append_utf8(bytes, charset, out, defects);
  return out;
}

std::string header_bytes_to_utf8(std::string_view bytes) {
  std::string out;
  Defects ignored;
  guess(bytes, out, ignored, std::numeric_limits<std::size_t>::max());
  return out;
}

void append_code_point(std::uint32_t cp, std::string& out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace mailroom::message
