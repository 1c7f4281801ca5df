#include "server/imap/bodystructure.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include "mailroom/message/address.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/transfer_encoding.hpp"
#include "server/imap/envelope.hpp"
#include "server/imap/text.hpp"

namespace mailroom::server::imap {
namespace {

using message::Part;

constexpr std::size_t kMaxNesting = 20;  // message/rfc822 inside message/rfc822 ...

std::string parameters(const message::Parameters& params) {
  if (params.list().empty()) return "NIL";
  std::string out = "(";
  for (const auto& p : params.list()) {
    if (out.size() > 1) out += ' ';
    out += imap_string(upper(p.name)) + " " + imap_string(encoded_word(p.value));
  }
  return out + ")";
}

std::string encoding_name(const Part& part) {
  const auto* f = part.find("Content-Transfer-Encoding");
  std::string value = f != nullptr ? upper(message::unfold(f->value)) : "7BIT";
  return value.empty() ? "7BIT" : value;
}

std::size_t lines(std::string_view text) {
  auto n = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return n + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

std::string disposition(const Part& part) {
  auto d = part.disposition();
  if (d.type.empty()) return "NIL";
  return "(" + imap_string(upper(d.type)) + " " + parameters(d.params) + ")";
}

std::string structure(const message::Message& m, const Part& part, bool ext, std::size_t depth);

// The encapsulated message of a message/rfc822 part, parsed on its own.
std::optional<message::Message> inner(const Part& part) {
  auto buffer =
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::string(part.body)));
  return message::Message::parse(buffer);
}

std::string leaf(const message::Message& m, const Part& part, bool ext, std::size_t depth) {
  const auto& ct = part.content_type;
  auto optional_field = [&](std::string_view name) -> std::string {
    const auto* f = part.find(name);
    return f == nullptr ? "NIL" : imap_string(message::unfold(f->value));
  };
  std::string out = "(" + imap_string(upper(ct.type)) + " " + imap_string(upper(ct.subtype)) + " " +
                    parameters(ct.params) + " " + optional_field("Content-ID") + " " +
                    optional_field("Content-Description") + " " + imap_string(encoding_name(part)) +
                    " " + std::to_string(part.body.size());
  if (ct.is_message() && ct.subtype == "rfc822" && depth < kMaxNesting) {
    auto encapsulated = inner(part);
    out += " " + envelope(*encapsulated) + " " +
           structure(*encapsulated, encapsulated->root(), ext, depth + 1) + " " +
           std::to_string(lines(part.body));
  } else if (ct.type == "text") {
    out += " " + std::to_string(lines(part.body));
  }
  if (ext) out += " NIL " + disposition(part) + " NIL NIL";  // md5, disposition, language, location
  (void)m;
  return out + ")";
}

std::string structure(const message::Message& m, const Part& part, bool ext, std::size_t depth) {
  if (!part.content_type.is_multipart() || part.children.empty()) {
    if (part.content_type.is_multipart())  // no parts found: shown as an empty text part
      return ext ? "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)"
                 : "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0)";
    return leaf(m, part, ext, depth);
  }
  std::string out = "(";
  for (std::size_t child : part.children) out += structure(m, m.parts()[child], ext, depth);
  out += " " + imap_string(upper(part.content_type.subtype));
  if (ext) out += " " + parameters(part.content_type.params) + " " + disposition(part) + " NIL NIL";
  return out + ")";
}

// The header of a part or message: its fields and the blank line.
std::string_view header_of(const Part& part) {
  if (part.body.data() >= part.raw.data() && part.body.data() <= part.raw.data() + part.raw.size())
    return part.raw.substr(0, static_cast<std::size_t>(part.body.data() - part.raw.data()));
  return part.header_block;
}

std::string header_fields(const Part& part, std::string_view list, bool exclude) {
  std::vector<std::string> names;
  std::string_view rest = list;
  while (!rest.empty()) {
    auto start = rest.find_first_not_of(" ()");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    auto end = rest.find_first_of(" ()");
    std::string name(rest.substr(0, end));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
    names.push_back(name);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  std::string out;
  for (const auto& f : part.headers) {
    bool listed = std::any_of(names.begin(), names.end(),
                              [&](const std::string& n) { return iequals(n, f.name); });
    if (listed != exclude) out += f.raw;
  }
  return out + "\r\n";
}

}  // namespace

std::string imap_string(std::string_view text) {
  std::string out;
  append_imap_string(out, text);
  return out;
}

std::string nstring(const std::optional<std::string>& text) {
  return text ? imap_string(*text) : std::string("NIL");
}

std::string envelope(const message::Message& m) {
  std::string out;
  append_envelope(out, m.headers(), m.limits());
  return out;
}

std::string body_structure(const message::Message& m, bool extensible) {
  return structure(m, m.root(), extensible, 0);
}

namespace {

// The part the leading numbers of a section name ("1.2" of "1.2.HEADER"),
// with what is left of the section after them; nullptr when they name no
// part.
struct Located {
  const Part* part = nullptr;
  bool is_message = true;  // the root, or the message inside a message/rfc822 part
  std::string_view rest;
};

Located locate(const message::Message& m, std::string_view section,
               std::optional<message::Message>& holder) {
  Located at{&m.root(), true, section};
  std::string_view& rest = at.rest;
  while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0])) != 0) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec != std::errc{} || n == 0) return {};
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    const message::Message& owner = holder ? *holder : m;
    if (at.part->content_type.is_multipart() && !at.part->children.empty()) {
      if (n > at.part->children.size()) return {};
      at.part = &owner.parts()[at.part->children[n - 1]];
    } else if (n != 1 || !at.is_message) {
      return {};
    }
    at.is_message = false;
    if (!rest.empty()) {
      if (rest[0] != '.') return {};
      rest.remove_prefix(1);
      // Beyond a message/rfc822 part the numbers count its message's parts.
      if (at.part->content_type.is_message() && !rest.empty() &&
          std::isdigit(static_cast<unsigned char>(rest[0])) != 0) {
        holder = inner(*at.part);
        at.part = &holder->root();
        at.is_message = true;
      }
    }
  }
  return at;
}

}  // namespace

tl::expected<std::string, BinaryError> binary_section(const message::Message& m,
                                                      std::string_view section) {
  if (section.empty()) return std::string(m.raw());
  std::optional<message::Message> holder;  // keeps an encapsulated message alive
  Located at = locate(m, section, holder);
  if (at.part == nullptr || !at.rest.empty()) return tl::unexpected(BinaryError::no_part);
  // RFC 3516 section 4.2: a transfer encoding the server cannot undo is
  // UNKNOWN-CTE; 7bit, 8bit and binary are the content as it is.
  if (at.part->encoding == message::TransferEncoding::unknown)
    return tl::unexpected(BinaryError::unknown_encoding);
  message::Defects defects;
  return message::decode_transfer(at.part->body, at.part->encoding, defects,
                                  m.limits().max_decoded_size);
}

std::optional<std::string> section_text(const message::Message& m, std::string_view section) {
  std::optional<message::Message> holder;  // keeps an encapsulated message alive
  Located at = locate(m, section, holder);
  if (at.part == nullptr) return std::nullopt;
  const Part* part = at.part;
  const bool is_message = at.is_message;
  std::string_view rest = at.rest;
  bool numbered = rest.size() != section.size();
  std::string keyword = upper(rest.substr(0, rest.find(' ')));
  if (numbered && !keyword.empty() && keyword != "MIME" && part->content_type.is_message() &&
      !is_message) {
    holder = inner(*part);  // 3.HEADER: the header of the message in part 3
    part = &holder->root();
  }
  if (keyword.empty()) return std::string(numbered ? part->body : m.raw());
  if (keyword == "HEADER" || keyword == "MIME") return std::string(header_of(*part));
  if (keyword == "TEXT") return std::string(part->body);
  auto list = rest.substr(std::min(rest.size(), keyword.size()));
  if (keyword == "HEADER.FIELDS") return header_fields(*part, list, false);
  if (keyword == "HEADER.FIELDS.NOT") return header_fields(*part, list, true);
  return std::nullopt;
}

}  // namespace mailroom::server::imap
