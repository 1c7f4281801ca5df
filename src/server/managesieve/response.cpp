// What a ManageSieve server sends (RFC 5804 §1.3, §1.7, §4) and the rule
// for script names (§1.6).
#include <cstdint>

#include "mailroom/server/managesieve.hpp"
#include "mailroom/sieve/compile.hpp"

namespace mailroom::server::managesieve {
namespace {

constexpr std::size_t kMaxNameCharacters = 128;  // §1.6: servers SHOULD allow at least 128

// The next UTF-8 code point of `text` at `at` (advanced); nullopt when the
// bytes are not shortest-form UTF-8 of a Unicode scalar value.
std::optional<std::uint32_t> next_code_point(std::string_view text, std::size_t& at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xe  ? 3
                       : (lead >> 3) == 0x1e ? 4
                                             : 0;
  if (length == 0 || at + length > text.size()) return std::nullopt;
  std::uint32_t value = length == 1 ? lead : lead & (0x7fU >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xc0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(at + i) & 0x3fU);
  }
  static constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kShortest[length] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
    return std::nullopt;
  at += length;
  return value;
}

bool control(std::uint32_t c) {
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

}  // namespace

std::string sieve_string(std::string_view text) {
  bool quotable = text.size() <= kMaxQuoted &&
                  text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
  if (!quotable) return "{" + std::to_string(text.size()) + "}\r\n" + std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string response(std::string_view status, std::string_view code, std::string_view text) {
  std::string out(status);
  if (!code.empty()) out += " (" + std::string(code) + ")";
  if (!text.empty()) out += " " + sieve_string(text);
  return out + "\r\n";
}

std::string capabilities(const CapabilityState& state) {
  std::string sieve;
  for (auto name : sieve::supported_capabilities()) {
    if (!sieve.empty()) sieve += ' ';
    sieve += name;
  }
  std::string out = "\"IMPLEMENTATION\" \"mailroom\"\r\n";
  out += "\"SIEVE\" " + sieve_string(sieve) + "\r\n";
  // §1.7: SASL lists what can be used now; none before TLS on a public
  // address (plaintext passwords there are refused with ENCRYPT-NEEDED).
  out += std::string("\"SASL\" \"") + (state.sasl_plain && !state.authenticated ? "PLAIN" : "") +
         "\"\r\n";
  if (state.starttls && !state.authenticated) out += "\"STARTTLS\"\r\n";
  // enotify is supported with the mailto method only (RFC 5435, RFC 5436).
  out += "\"NOTIFY\" \"mailto\"\r\n";
  if (state.max_redirects > 0)
    out += "\"MAXREDIRECTS\" \"" + std::to_string(state.max_redirects) + "\"\r\n";
  out += "\"UNAUTHENTICATE\"\r\n";  // RFC 5804 sections 1.7 and 2.14.1
  out += "\"VERSION\" \"1.0\"\r\n";
  return out;
}

std::string script_name_problem(std::string_view name) {
  if (name.empty()) return "empty script name";
  if (name.front() == '.') return "a script name may not start with '.'";
  std::size_t characters = 0;
  for (std::size_t at = 0; at < name.size();) {
    auto c = next_code_point(name, at);
    if (!c) return "a script name must be UTF-8";
    if (control(*c)) return "control character in the script name";
    if (*c == '/') return "a script name may not contain '/'";
    if (++characters > kMaxNameCharacters) return "script name longer than 128 characters";
  }
  return {};
}

}  // namespace mailroom::server::managesieve
