// RFC 3501 section 5.1.3: printable US-ASCII except '&' stands for itself,
// "&-" is '&', anything else is UTF-16BE in base64 (with ',' for '/', no
// padding) between '&' and '-'.
#include "mailroom/maildir/modified_utf7.hpp"

#include <cstdint>
#include <vector>

#include "maildir/utf8.hpp"

namespace mailroom::maildir {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

bool is_direct(char32_t cp) { return cp >= 0x20 && cp <= 0x7E; }

int alphabet_value(char c) {
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

void encode_run(std::string& out, const std::vector<std::uint16_t>& units) {
  out += '&';
  std::uint32_t bits = 0;
  int nbits = 0;
  for (const std::uint16_t u : units) {
    bits = (bits << 16) | u;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out += kAlphabet[(bits >> nbits) & 0x3F];
    }
  }
  if (nbits > 0) out += kAlphabet[(bits << (6 - nbits)) & 0x3F];  // zero padding bits
  out += '-';
}

void append_utf16(std::vector<std::uint16_t>& units, char32_t cp) {
  if (cp < 0x10000) {
    units.push_back(static_cast<std::uint16_t>(cp));
    return;
  }
  cp -= 0x10000;
  units.push_back(static_cast<std::uint16_t>(0xD800 | (cp >> 10)));
  units.push_back(static_cast<std::uint16_t>(0xDC00 | (cp & 0x3FF)));
}

// Decodes the base64 between '&' and '-' into UTF-8. False if not canonical.
bool decode_run(std::string_view run, std::string& out) {
  std::vector<std::uint16_t> units;
  std::uint32_t bits = 0;
  int nbits = 0;
  for (const char c : run) {
    const int v = alphabet_value(c);
    if (v < 0) return false;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits >= 16) {
      nbits -= 16;
      units.push_back(static_cast<std::uint16_t>(bits >> nbits));
      bits &= (1U << nbits) - 1;
    }
  }
  // Leftover bits must be fewer than one base64 digit and all zero.
  if (nbits >= 6 || bits != 0 || units.empty()) return false;
  for (std::size_t i = 0; i < units.size(); ++i) {
    char32_t cp = units[i];
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 1 >= units.size() || units[i + 1] < 0xDC00 || units[i + 1] > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (units[++i] - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return false;
    }
    if (is_direct(cp)) return false;  // must have been written directly
    detail::append_utf8(out, cp);
  }
  return true;
}

}  // namespace

Result<std::string> utf8_to_modified_utf7(std::string_view utf8) {
  std::vector<char32_t> cps;
  if (!detail::decode_utf8(utf8, cps)) return fail(ErrorKind::parse, "invalid UTF-8");
  std::string out;
  std::vector<std::uint16_t> run;
  for (const char32_t cp : cps) {
    if (!is_direct(cp)) {
      append_utf16(run, cp);
      continue;
    }
    if (!run.empty()) {
      encode_run(out, run);
      run.clear();
    }
    if (cp == '&') {
      out += "&-";
    } else {
      out += static_cast<char>(cp);
    }
  }
  if (!run.empty()) encode_run(out, run);
  return out;
}

Result<std::string> modified_utf7_to_utf8(std::string_view in) {
  std::string out;
  bool previous_was_run = false;  // two adjacent runs are not canonical
  std::size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (!is_direct(static_cast<unsigned char>(c))) {
      return fail(ErrorKind::parse, "modified UTF-7: byte outside printable ASCII");
    }
    if (c != '&') {
      out += c;
      previous_was_run = false;
      ++i;
      continue;
    }
    const auto end = in.find('-', i + 1);
    if (end == std::string_view::npos)
      return fail(ErrorKind::parse, "modified UTF-7: unterminated '&'");
    if (end == i + 1) {
      out += '&';
      previous_was_run = false;
    } else {
      if (previous_was_run || !decode_run(in.substr(i + 1, end - i - 1), out)) {
        return fail(ErrorKind::parse, "modified UTF-7: invalid or non-canonical base64 run");
      }
      previous_was_run = true;
    }
    i = end + 1;
  }
  return out;
}

}  // namespace mailroom::maildir
