// Charset conversion uses ICU's converters (ucnv_*), not glibc iconv. Why:
// `mailroom` is linked fully statically, as its start-up cost is part of a
// delivery's, and static glibc's iconv dlopen()s gconv modules at run time:
// they must come from the very same glibc build and bring a second libc into
// the process. ICU's code and data are linked into the binary instead; its
// conversion tables (5 MB, read-only; scripts/icu-converter-data keeps only
// those of ICU's data) are paged in only when a charset other than
// the builtin ones below is converted. iconv is not used at all. The hot
// cases (UTF-8, US-ASCII, Latin-1/windows-1252) are handled here without ICU.
#include "mailroom/message/charset.hpp"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/udata.h>
#include <unicode/utf16.h>

#include <array>
#include <cstdint>
#include <cstring>
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

// The end of the run of ASCII bytes from i, at most `limit`: eight bytes at
// a time (the text of most mail is ASCII, and a sequence at a time through
// utf8_sequence was 60 K instructions of a 4 KB message's tokenizing,
// callgrind).
std::size_t ascii_run_end(std::string_view s, std::size_t i, std::size_t limit) noexcept {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  while (i + 8 <= limit) {
    std::uint64_t word = 0;
    std::memcpy(&word, s.data() + i, sizeof word);
    if ((word & kHighBits) != 0) break;
    i += 8;
  }
  while (i < limit && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
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
    // The run of valid sequences from i, appended at once (a sequence was
    // appended at a time: a tenth of a delivery's instructions with a
    // trained spam store, whose tokenizer decodes every text part). A
    // sequence starts only while out stays under max_out, as before.
    const std::size_t room = max_out - out.size();
    const std::size_t limit = in.size() - i < room ? in.size() : i + room;
    std::size_t end = ascii_run_end(in, i, limit);
    while (end < in.size() && end - i < room) {
      const std::size_t len = utf8_sequence(in, end);
      if (len == 0) break;
      end += len;
    }
    if (end > i) {
      out.append(in.substr(i, end - i));
      i = end;
      continue;
    }
    out += kReplacement;
    defects.add(Defect::bad_charset);
    ++i;
  }
}

enum class Kind { utf8, ascii_or_guess, cp1252, icu };

struct Resolved {
  Kind kind = Kind::ascii_or_guess;
  std::string icu_name;
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

// A charset name only ever reaches ucnv_open if it looks like one: a hostile
// "UTF-8//IGNORE", an ICU option suffix (",version=1") or a 1 MB name must
// not steer ICU.
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
  static constexpr std::array<Alias, 15> kIcuAliases{{
      // Declared subsets whose supersets are what senders really use. ICU's
      // own "euc-kr" and "cp949" are IBM tables without the UHC hangul, and
      // its "big5" maps HKSCS characters to the private use area.
      {"gb2312", "GB18030"},
      {"gbk", "GB18030"},
      {"x-gbk", "GB18030"},
      {"euc-cn", "GB18030"},
      {"cp936", "GB18030"},
      {"ks_c_5601-1987", "windows-949"},
      {"ks_c_5601", "windows-949"},
      {"euc-kr", "windows-949"},
      {"cp949", "windows-949"},
      {"iso-8859-8-i", "ISO-8859-8"},
      {"shift-jis", "windows-31j"},
      {"shift_jis", "windows-31j"},
      {"x-sjis", "windows-31j"},
      {"sjis", "windows-31j"},
      {"big5", "Big5-HKSCS"},
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
  for (const auto& [alias, target] : kIcuAliases) {
    if (s == alias) return {Kind::icu, std::string(target)};
  }
  if (!plausible_name(s)) return {Kind::ascii_or_guess, "?"};
  return {Kind::icu, s};
}

// ICU's to-Unicode callback: each invalid, unassigned or truncated sequence
// becomes one U+FFFD and sets the bool that `context` points to.
void U_CALLCONV replace_bad_input(const void* context, UConverterToUnicodeArgs* args,
                                  const char* /*bytes*/, int32_t /*length*/,
                                  UConverterCallbackReason reason, UErrorCode* err) {
  if (reason != UCNV_UNASSIGNED && reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR) {
    return;  // reset, close, clone: no input was lost
  }
  *static_cast<bool*>(const_cast<void*>(context)) = true;  // ICU hands back our own pointer
  *err = U_ZERO_ERROR;
  static constexpr UChar kFffd = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &kFffd, 1, 0, err);
}

// UTF-16 from ICU to UTF-8. A high surrogate at the end of one chunk waits
// in `high` for its low half at the start of the next.
void append_utf16(const UChar* p, const UChar* end, UChar& high, bool& bad, std::string& out) {
  for (; p != end; ++p) {
    const UChar u = *p;
    if (high != 0) {
      if (U16_IS_TRAIL(u)) {
        append_code_point(U16_GET_SUPPLEMENTARY(high, u), out);
        high = 0;
        continue;
      }
      out += kReplacement;
      bad = true;
      high = 0;
    }
    if (U16_IS_LEAD(u)) {
      high = u;
    } else if (U16_IS_TRAIL(u)) {
      out += kReplacement;
      bad = true;
    } else if (u == 0) {
      out.push_back('\0');  // as the builtin paths keep it
    } else {
      append_code_point(u, out);
    }
  }
}

// A few open converters per thread: ucnv_open looks the name up in ICU's
// alias table and builds the converter, too slow to repeat per part. Failed
// opens are kept too (as nullptr), so a junk name costs one lookup.
class IcuConverters {
 public:
  IcuConverters() = default;
  IcuConverters(const IcuConverters&) = delete;
  IcuConverters& operator=(const IcuConverters&) = delete;
  ~IcuConverters() {
    for (const auto& e : entries_) {
      if (e.cnv != nullptr) ucnv_close(e.cnv);
    }
  }

  // Appends `in`, read as charset `name`, to `out` as UTF-8. False if ICU
  // does not know the charset or fails; `out` is then as it was.
  bool append(const std::string& name, std::string_view in, std::string& out, Defects& defects,
              std::size_t max_out) {
    UConverter* cnv = get(name);
    if (cnv == nullptr) return false;
    if (in.empty()) return true;
    const std::size_t start = out.size();
    // A converter left mid-sequence (or shifted, for ISO-2022-JP) by the
    // previous text must not carry that state into this one.
    ucnv_resetToUnicode(cnv);
    bad_input_ = false;
    bool bad_utf16 = false;
    UChar high = 0;
    std::array<UChar, 4096> chunk{};
    const char* src = in.data();
    const char* const src_end = in.data() + in.size();
    // The whole input is the last chunk ICU sees (flush), so a sequence cut
    // off at its end is reported; the output comes back a chunk at a time.
    for (;;) {
      if (out.size() >= max_out) {
        defects.add(Defect::decoded_truncated);
        break;
      }
      UChar* dst = chunk.data();
      UErrorCode err = U_ZERO_ERROR;
      ucnv_toUnicode(cnv, &dst, chunk.data() + chunk.size(), &src, src_end, nullptr, true, &err);
      append_utf16(chunk.data(), dst, high, bad_utf16, out);
      if (err == U_BUFFER_OVERFLOW_ERROR) continue;
      if (U_FAILURE(err)) {
        out.resize(start);
        return false;
      }
      if (high != 0) {
        out += kReplacement;
        bad_utf16 = true;
      }
      break;
    }
    if (bad_input_ || bad_utf16) defects.add(Defect::bad_charset);
    return true;
  }

 private:
  UConverter* get(const std::string& name) {
    for (const auto& e : entries_) {
      if (e.name == name) return e.cnv;
    }
    UConverter* cnv = open(name);
    if (entries_.size() >= kMax) {
      if (entries_.front().cnv != nullptr) ucnv_close(entries_.front().cnv);
      entries_.erase(entries_.begin());
    }
    entries_.push_back({name, cnv});
    return cnv;
  }

  UConverter* open(const std::string& name) {
    // Only the data linked into the binary: with the default access, ICU
    // would first look for tables in $ICU_DATA on every open.
    [[maybe_unused]] static const bool no_files = [] {
      UErrorCode err = U_ZERO_ERROR;
      udata_setFileAccess(UDATA_NO_FILES, &err);
      return true;
    }();
    UErrorCode err = U_ZERO_ERROR;
    UConverter* cnv = ucnv_open(name.c_str(), &err);
    if (U_FAILURE(err)) return nullptr;
    ucnv_setToUCallBack(cnv, replace_bad_input, &bad_input_, nullptr, nullptr, &err);
    if (U_FAILURE(err)) {
      ucnv_close(cnv);
      return nullptr;
    }
    return cnv;
  }

  struct Entry {
    std::string name;
    UConverter* cnv;
  };
  static constexpr std::size_t kMax = 16;
  std::vector<Entry> entries_;
  bool bad_input_ = false;  // set by replace_bad_input
};

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
      if (!r.icu_name.empty()) defects.add(Defect::bad_charset);
      guess(bytes, out, defects, max_out);
      break;
    case Kind::icu: {
      thread_local IcuConverters converters;
      if (!converters.append(r.icu_name, bytes, out, defects, max_out)) {
        defects.add(Defect::bad_charset);
        guess(bytes, out, defects, max_out);
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
