#include "server/imap/envelope.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "mailroom/message/address.hpp"
#include "server/imap/selected.hpp"

namespace mailroom::server::imap {
namespace {

constexpr std::size_t kMaxQuoted = 1024;

// The fields ENVELOPE names, in its order (RFC 3501 section 7.4.2).
enum Slot : std::size_t {
  kDate,
  kSubject,
  kFrom,
  kSender,
  kReplyTo,
  kTo,
  kCc,
  kBcc,
  kInReplyTo,
  kMessageId,
  kSlots
};
constexpr std::array<std::string_view, kSlots> kNames = {
    "Date", "Subject", "From", "Sender",      "Reply-To",
    "To",   "Cc",      "Bcc",  "In-Reply-To", "Message-ID"};

constexpr bool is_address(std::size_t slot) { return slot >= kFrom && slot <= kBcc; }

void append_base64(std::string& out, std::string_view in) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += i + 1 < in.size() ? kTable[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kTable[v & 63] : '=';
  }
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void append_display_name(std::string& out, std::string_view utf8) {
  if (utf8.empty())
    out += "NIL";
  else if (is_ascii(utf8))
    append_imap_string(out, utf8);
  else
    append_imap_string(out, encoded_word(utf8));  // long ones are literals
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// The slot of a field name, kSlots for one ENVELOPE does not use (ASCII
// case-insensitive, RFC 5322 section 1.2.2; no locale).
std::size_t slot_of(std::string_view name) {
  for (std::size_t i = 0; i < kSlots; ++i) {
    std::string_view want = kNames[i];
    if (name.size() == want.size() &&
        std::equal(name.begin(), name.end(), want.begin(),
                   [](char a, char b) { return ascii_lower(a) == ascii_lower(b); }))
      return i;
  }
  return kSlots;
}

// What a byte is to this file: RFC 5322 section 3.2.3 atext in ASCII (no
// specials, no space, no controls); a byte a quoted string escapes (RFC
// 3501 section 9, quoted-specials); one it cannot hold (CR, LF, NUL,
// 8-bit). One table lookup per byte: ENVELOPE reads every byte of ten
// strings per message.
enum ByteClass : unsigned char { kAtext = 1, kEscaped = 2, kUnquotable = 4 };
constexpr std::array<unsigned char, 256> kClass = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0x21; c < 0x7f; ++c) table[static_cast<std::size_t>(c)] = kAtext;
  for (char c : std::string_view("<>@,;:.\"()[]\\")) table[static_cast<unsigned char>(c)] = 0;
  table['"'] = table['\\'] = kEscaped;
  table['\r'] = table['\n'] = table[0] = kUnquotable;
  for (int c = 0x80; c < 0x100; ++c) table[static_cast<std::size_t>(c)] = kUnquotable;
  return table;
}();

unsigned char class_of(char c) { return kClass[static_cast<unsigned char>(c)]; }

bool is_atext(char c) { return (class_of(c) & kAtext) != 0; }

bool is_fws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The cursor over an address list for simple_address_list.
class SimpleReader {
 public:
  explicit SimpleReader(std::string_view text) : text_(text) {}
  [[nodiscard]] bool done() const { return at_ == text_.size(); }
  [[nodiscard]] bool next_is(char c) const { return at_ < text_.size() && text_[at_] == c; }
  void skip_fws() {
    while (at_ < text_.size() && is_fws(text_[at_])) ++at_;
  }
  bool take(char c) {
    if (!next_is(c)) return false;
    ++at_;
    return true;
  }
  // 1*atext.
  std::string_view atom() {
    std::size_t start = at_;
    while (at_ < text_.size() && is_atext(text_[at_])) ++at_;
    return text_.substr(start, at_ - start);
  }
  // dot-atom-text: atom *("." atom), no white space.
  std::string_view dot_atom() {
    std::size_t start = at_;
    if (atom().empty()) return {};
    while (next_is('.')) {
      ++at_;
      if (atom().empty()) return {};
    }
    return text_.substr(start, at_ - start);
  }
  // local "@" domain, both dot-atoms.
  bool addr_spec(message::Address& a) {
    auto local = dot_atom();
    if (local.empty() || !take('@')) return false;
    auto domain = dot_atom();
    if (domain.empty()) return false;
    a.local_part = local;
    a.domain = domain;
    return true;
  }
  [[nodiscard]] std::size_t at() const { return at_; }
  void rewind(std::size_t to) { at_ = to; }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

// One member: an addr-spec alone, or a phrase of atoms and an angle-addr.
bool simple_mailbox(SimpleReader& in, message::Address& a) {
  const std::size_t start = in.at();
  if (in.addr_spec(a)) {
    in.skip_fws();
    if (in.done() || in.next_is(',')) return true;
  }
  a = {};
  in.rewind(start);
  std::string name;  // the atoms joined by single spaces, as phrase_text does
  for (auto word = in.atom(); !word.empty(); word = in.atom()) {
    if (!name.empty()) name += ' ';
    name += word;
    in.skip_fws();
  }
  if (!in.take('<') || !in.addr_spec(a) || !in.take('>')) return false;
  a.display_name = std::move(name);
  in.skip_fws();
  return in.done() || in.next_is(',');
}

class Fields {
 public:
  Fields(std::span<const message::HeaderField> fields, const message::Limits& limits)
      : limits_(limits) {
    for (const auto& f : fields) {
      std::size_t slot = slot_of(f.name);
      if (slot == kSlots) continue;
      if (is_address(slot)) {
        all_[slot].push_back(&f);
      } else if (first_[slot] == nullptr) {
        first_[slot] = &f;
      }
    }
  }

  // An nstring: the unfolded value of the first field, NIL without one.
  void append_value(std::string& out, std::size_t slot) const {
    if (first_[slot] == nullptr) {
      out += "NIL";
      return;
    }
    append_imap_string(out, message::unfold(first_[slot]->value));
  }

  // The addresses of every field of the slot, as Message::addresses
  // gathers them (at most limits.max_addresses); NIL for none.
  [[nodiscard]] std::vector<message::Address> addresses(std::size_t slot) const {
    std::vector<message::Address> out;
    for (const auto* f : all_[slot]) {
      if (out.size() >= limits_.max_addresses) break;
      auto simple = simple_address_list(f->value, limits_.max_addresses);
      auto list = simple ? std::move(*simple) : message::parse_address_list(f->value, limits_);
      auto take = std::min(list.size(), limits_.max_addresses - out.size());
      std::move(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(take),
                std::back_inserter(out));
    }
    return out;
  }

 private:
  const message::Limits& limits_;
  std::array<const message::HeaderField*, kSlots> first_{};
  std::array<std::vector<const message::HeaderField*>, kSlots> all_{};
};

void append_address_list(std::string& out, const std::vector<message::Address>& list) {
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (const auto& a : list) {
    out += '(';
    append_display_name(out, a.display_name);
    out += " NIL ";
    append_imap_string(out, a.local_part);
    out += ' ';
    if (a.domain.empty())
      out += "NIL";
    else
      append_imap_string(out, a.domain);
    out += ')';
  }
  out += ')';
}

}  // namespace

std::string encoded_word(std::string_view utf8) {
  if (is_ascii(utf8)) return std::string(utf8);
  std::string out = "=?UTF-8?B?";
  append_base64(out, utf8);
  return out + "?=";
}

std::optional<std::vector<message::Address>> simple_address_list(std::string_view value,
                                                                 std::size_t max) {
  // An encoded word in a phrase would be decoded; 8-bit text converted.
  if (value.find("=?") != std::string_view::npos) return std::nullopt;
  std::vector<message::Address> out;
  SimpleReader in(value);
  in.skip_fws();
  if (in.done()) return out;
  for (;;) {
    if (out.size() >= max) return std::nullopt;
    message::Address a;
    if (!simple_mailbox(in, a)) return std::nullopt;
    out.push_back(std::move(a));
    if (in.done()) return out;
    in.take(',');
    in.skip_fws();
    if (in.done() || in.next_is(',')) return std::nullopt;  // an empty member
  }
}

void append_imap_string(std::string& out, std::string_view text) {
  // One pass to see whether it can be quoted and how long that is, one to
  // write it: every ENVELOPE has a dozen of these.
  std::size_t escapes = 0;
  unsigned char seen = 0;
  for (char c : text) {
    unsigned char k = class_of(c);
    seen |= k;
    escapes += (k & kEscaped) != 0 ? 1 : 0;
  }
  const bool quotable = text.size() <= kMaxQuoted && (seen & kUnquotable) == 0;
  if (!quotable) {
    out += '{';
    out += std::to_string(text.size());
    out += "}\r\n";
    out += text;
    return;
  }
  std::size_t at = out.size();
  out.resize(at + text.size() + escapes + 2);
  char* p = out.data() + at;
  *p++ = '"';
  if (escapes == 0) {
    p = std::copy(text.begin(), text.end(), p);
  } else {
    for (char c : text) {
      if (c == '"' || c == '\\') *p++ = '\\';
      *p++ = c;
    }
  }
  *p = '"';
}

void append_envelope(std::string& out, std::span<const message::HeaderField> fields,
                     const message::Limits& limits) {
  Fields found(fields, limits);
  out += '(';
  found.append_value(out, kDate);
  out += ' ';
  found.append_value(out, kSubject);
  // Sender and Reply-To default to From (RFC 3501 section 7.4.2): the
  // From list is parsed once for all three.
  auto from = found.addresses(kFrom);
  for (std::size_t slot = kFrom; slot <= kBcc; ++slot) {
    out += ' ';
    if (slot == kFrom) {
      append_address_list(out, from);
      continue;
    }
    auto list = found.addresses(slot);
    append_address_list(out, list.empty() && (slot == kSender || slot == kReplyTo) ? from : list);
  }
  out += ' ';
  found.append_value(out, kInReplyTo);
  out += ' ';
  found.append_value(out, kMessageId);
  out += ')';
}

void append_envelope(std::string& out, std::string_view header) {
  // A quoted-pair takes the one octet after its backslash: before a bare
  // LF that is the LF, in the header made CRLF the CR (fuzz_imap_envelope
  // found it). Only such a header needs the CRLF copy.
  for (auto at = header.find('\\'); at != std::string_view::npos; at = header.find('\\', at + 1)) {
    if (at + 1 < header.size() && header[at + 1] == '\n') {
      const std::string crlf = to_crlf(header);
      const message::Limits limits;
      append_envelope(out, message::parse_header_block(crlf, crlf.data(), limits).fields, limits);
      return;
    }
  }
  const message::Limits limits;
  auto block = message::parse_header_block(header, header.data(), limits);
  append_envelope(out, block.fields, limits);
}

}  // namespace mailroom::server::imap
