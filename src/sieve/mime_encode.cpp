#include "sieve/mime_encode.hpp"

#include <algorithm>

namespace mailroom::sieve {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < data.size(); i += 3) {
    unsigned value = static_cast<unsigned char>(data[i]) << 16U;
    if (i + 1 < data.size()) value |= static_cast<unsigned char>(data[i + 1]) << 8U;
    if (i + 2 < data.size()) value |= static_cast<unsigned char>(data[i + 2]);
    out.push_back(kBase64[(value >> 18U) & 63U]);
    out.push_back(kBase64[(value >> 12U) & 63U]);
    out.push_back(i + 1 < data.size() ? kBase64[(value >> 6U) & 63U] : '=');
    out.push_back(i + 2 < data.size() ? kBase64[value & 63U] : '=');
  }
  return out;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

// The length of the UTF-8 sequence that starts with `lead` (1 for a
// stray continuation byte, so broken text still advances).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::string to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  for (char ch : text) out.push_back(ch == '\r' || ch == '\n' ? ' ' : ch);
  return out;
}

std::string base64_body(std::string_view data) {
  std::string encoded = base64(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out.append(encoded.substr(i, 76)) += '\n';
  return out;
}

std::string quoted_printable_body(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t column = 0;
  auto put = [&](std::string_view piece) {
    if (column + piece.size() > 75) {  // room for the "=" of a soft break
      out.append("=\n");
      column = 0;
    }
    out.append(piece);
    column += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    if (text[i] == '\n') {
      out.push_back('\n');
      column = 0;
      continue;
    }
    // §6.7 rule 3: white space before a line break must be encoded.
    bool line_end = i + 1 == text.size() || text[i + 1] == '\n';
    bool literal = (u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !line_end);
    if (literal) {
      put(std::string_view(&text[i], 1));
    } else {
      const char escaped[] = {'=', kHex[u >> 4U], kHex[u & 15U]};
      put(std::string_view(escaped, 3));
    }
  }
  return out;
}

std::string_view choose_transfer_encoding(std::string_view text) {
  std::size_t high = 0, line = 0, longest = 0;
  for (char ch : text) {
    if (static_cast<unsigned char>(ch) >= 0x80) ++high;
    line = ch == '\n' ? 0 : line + 1;
    longest = std::max(longest, line);
  }
  if (high == 0 && longest <= 998) return "7bit";
  // Quoted-printable triples each high byte: past about a sixth of the
  // text, base64's fixed 4/3 is smaller.
  return high * 6 < text.size() ? "quoted-printable" : "base64";
}

std::string encode_body(std::string_view text, std::string_view encoding) {
  if (encoding == "base64") return base64_body(text);
  if (encoding == "quoted-printable") return quoted_printable_body(text);
  std::string out(text);
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  return out;
}

std::string encode_header_text(std::string_view text, std::size_t used) {
  std::string flat = one_line(text);
  if (is_ascii(flat)) return flat;
  // RFC 2047 §2: an encoded-word is at most 75 characters; 12 of them are
  // "=?UTF-8?B?" and "?=". Lines stay within 78 (RFC 5322 §2.1.1): the
  // first after "Name: ", the others after the folding space.
  auto chunk_for = [](std::size_t before) {
    std::size_t room = before + 12 < 78 ? 78 - before - 12 : 4;
    return std::max<std::size_t>(std::min<std::size_t>(room, 63) / 4 * 3, 3);
  };
  std::string out;
  std::size_t start = 0;
  while (start < flat.size()) {
    const std::size_t kChunk = chunk_for(out.empty() ? used : 1);
    std::size_t end = start;
    while (end < flat.size()) {
      std::size_t next = end + sequence_length(static_cast<unsigned char>(flat[end]));
      if (next - start > kChunk) break;
      end = std::min(next, flat.size());
    }
    if (end == start) end = std::min(start + 1, flat.size());
    if (!out.empty()) out.append("\n ");
    out.append("=?UTF-8?B?").append(base64(flat.substr(start, end - start))).append("?=");
    start = end;
  }
  return out;
}

std::string encode_mailbox(std::string_view display_name, std::string_view addr_spec) {
  if (display_name.empty()) return "<" + std::string(addr_spec) + ">";
  std::string name = one_line(display_name);
  if (!is_ascii(name)) return encode_header_text(name, 0) + " <" + std::string(addr_spec) + ">";
  // RFC 5322 §3.2.4: a quoted-string, quote and backslash escaped.
  std::string quoted = "\"";
  for (char ch : name) {
    if (ch == '"' || ch == '\\') quoted.push_back('\\');
    quoted.push_back(ch);
  }
  return quoted + "\" <" + std::string(addr_spec) + ">";
}

}  // namespace mailroom::sieve
