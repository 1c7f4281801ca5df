#include "server/imap/fetch.hpp"
#include "server/imap/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <memory>

#include "mailroom/message/message.hpp"
#include "server/imap/bodystructure.hpp"

namespace mailroom::server::imap {
namespace {

using Kind = FetchItem::Kind;

tl::unexpected<Error> bad(std::string why) { return fail(ErrorKind::parse, std::move(why)); }

// "<12.100>" after a section.
bool parse_partial(std::string_view text, FetchItem& item) {
  if (text.empty()) return true;
  if (text.size() < 5 || text.front() != '<' || text.back() != '>') return false;
  text = text.substr(1, text.size() - 2);
  auto dot = text.find('.');
  if (dot == std::string_view::npos) return false;
  std::uint64_t offset = 0, length = 0;
  auto a = std::from_chars(text.data(), text.data() + dot, offset);
  auto b = std::from_chars(text.data() + dot + 1, text.data() + text.size(), length);
  if (a.ec != std::errc{} || a.ptr != text.data() + dot || b.ec != std::errc{} ||
      b.ptr != text.data() + text.size() || length == 0)
    return false;
  item.partial = std::make_pair(offset, length);
  return true;
}

// "", "1", "1.2.3": what BINARY[...] may name.
bool part_numbers(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() == '.' || text.back() == '.' || text.find("..") != std::string_view::npos)
    return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

Result<FetchItem> parse_item(std::string_view text) {
  std::string name = upper(text.substr(0, text.find('[')));
  FetchItem item;
  if (text.find('[') == std::string_view::npos) {
    static const std::pair<std::string_view, Kind> kSimple[] = {
        {"FLAGS", Kind::flags},
        {"UID", Kind::uid},
        {"INTERNALDATE", Kind::internal_date},
        {"RFC822.SIZE", Kind::size},
        {"ENVELOPE", Kind::envelope},
        {"BODY", Kind::body},
        {"BODYSTRUCTURE", Kind::body_structure},
        {"RFC822", Kind::rfc822},
        {"RFC822.HEADER", Kind::rfc822_header},
        {"RFC822.TEXT", Kind::rfc822_text}};
    for (const auto& [word, kind] : kSimple)
      if (name == word) {
        item.kind = kind;
        return item;
      }
    return bad("unknown FETCH item " + std::string(text));
  }
  const bool binary = name == "BINARY" || name == "BINARY.PEEK" || name == "BINARY.SIZE";
  if (name != "BODY" && name != "BODY.PEEK" && !binary)
    return bad("unknown FETCH item " + std::string(text));
  auto open = text.find('[');
  auto close = text.find(']', open);
  if (close == std::string_view::npos) return bad("unterminated section");
  item.kind = name == "BINARY.SIZE" ? Kind::binary_size : binary ? Kind::binary : Kind::section;
  item.peek = name == "BODY.PEEK" || name == "BINARY.PEEK";
  // RFC 3516 section 4: section-binary is part numbers only; no partial
  // for BINARY.SIZE.
  if (binary && !part_numbers(text.substr(open + 1, close - open - 1)))
    return bad("BINARY takes part numbers only: " + std::string(text));
  if (item.kind == Kind::binary_size && close + 1 != text.size())
    return bad("BINARY.SIZE takes no partial");
  item.section = std::string(text.substr(open + 1, close - open - 1));
  if (!parse_partial(text.substr(close + 1), item))
    return bad("bad partial in " + std::string(text));
  return item;
}

std::string section_name(const FetchItem& item) {
  std::string out = (item.kind == Kind::binary ? "BINARY[" : "BODY[") + item.section + "]";
  if (item.partial) out += "<" + std::to_string(item.partial->first) + ">";
  return out;
}

std::string literal(std::string_view bytes) {
  return "{" + std::to_string(bytes.size()) + "}\r\n" + std::string(bytes);
}

// RFC 3516 section 4.2: decoded content with a NUL goes as a literal8.
std::string binary_literal(std::string_view bytes) {
  if (bytes.find('\0') == std::string_view::npos) return literal(bytes);
  return "~" + literal(bytes);
}

std::string_view partial_of(std::string_view text, const FetchItem& item) {
  if (!item.partial) return text;
  auto [offset, length] = *item.partial;
  if (offset >= text.size()) return {};
  return text.substr(offset, length);
}

}  // namespace

std::string imap_date_time(long long seconds) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = seconds;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%02d-%s-%04d %02d:%02d:%02d +0000", tm.tm_mday,
                kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return out;
}

Result<std::vector<FetchItem>> parse_fetch_items(const Value& value) {
  std::vector<FetchItem> out;
  auto add = [&](std::string_view text) -> Status {
    auto item = parse_item(text);
    if (!item) return tl::unexpected(item.error());
    out.push_back(std::move(*item));
    return ok();
  };
  if (value.kind == Value::Kind::atom) {
    std::string macro = upper(value.text);
    // RFC 3501 section 6.4.5: the macros.
    std::vector<std::string_view> expanded;
    if (macro == "ALL") expanded = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"};
    if (macro == "FAST") expanded = {"FLAGS", "INTERNALDATE", "RFC822.SIZE"};
    if (macro == "FULL") expanded = {"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"};
    if (expanded.empty()) expanded = {value.text};
    for (auto word : expanded)
      if (auto s = add(word); !s) return tl::unexpected(s.error());
    return out;
  }
  if (value.kind != Value::Kind::list || value.items.empty()) return bad("expected FETCH items");
  for (const auto& item : value.items) {
    if (item.kind != Value::Kind::atom) return bad("expected a FETCH item");
    if (auto s = add(item.text); !s) return tl::unexpected(s.error());
  }
  return out;
}

bool sets_seen(const std::vector<FetchItem>& items) {
  return std::any_of(items.begin(), items.end(), [](const FetchItem& i) {
    return ((i.kind == Kind::section || i.kind == Kind::binary) && !i.peek) ||
           i.kind == Kind::rfc822 || i.kind == Kind::rfc822_text;
  });
}

Result<std::string> fetch_message(Selected& box, std::size_t index,
                                  const std::vector<FetchItem>& items, bool uid) {
  Message& m = box.messages[index];
  std::vector<std::string> parts;
  bool has_uid = false, has_flags = false;
  std::optional<std::string> text;  // read at most once
  std::optional<std::string> head;  // the header alone, when that is all it takes
  std::optional<message::Message> parsed;
  auto body = [&]() -> Result<const std::string*> {
    if (!text) {
      auto read = box.read(m);
      if (!read) return tl::unexpected(read.error());
      text = std::move(*read);
    }
    return &*text;
  };
  // ENVELOPE needs the header fields only: without another item that
  // reads the body, only the header is read and parsed.
  const bool header_only = std::none_of(items.begin(), items.end(), [](const FetchItem& i) {
    return i.kind != Kind::flags && i.kind != Kind::uid && i.kind != Kind::internal_date &&
           i.kind != Kind::size && i.kind != Kind::envelope;
  });
  auto parse = [&]() -> Result<const message::Message*> {
    if (!parsed) {
      if (header_only && !text) {
        auto read = box.read_header(m);
        if (!read) return tl::unexpected(read.error());
        head = std::move(*read);
        parsed = message::Message::parse(
            std::make_shared<const message::Buffer>(message::Buffer::from_string(*head)), {},
            message::Scope::headers);
        return &*parsed;
      }
      auto b = body();
      if (!b) return tl::unexpected(b.error());
      parsed = message::Message::parse(
          std::make_shared<const message::Buffer>(message::Buffer::from_string(**b)));
    }
    return &*parsed;
  };
  for (const auto& item : items) {
    switch (item.kind) {
      case Kind::flags:
        has_flags = true;
        parts.push_back("FLAGS " + box.flag_list(m));
        break;
      case Kind::uid:
        has_uid = true;
        parts.push_back("UID " + std::to_string(m.uid));
        break;
      case Kind::internal_date:
        parts.push_back("INTERNALDATE \"" + imap_date_time(box.internal_date(m)) + "\"");
        break;
      case Kind::size: {
        auto known = Selected::size_from_name(m);
        if (!known) {
          auto b = body();
          if (!b) return tl::unexpected(b.error());
          known = (*b)->size();
        }
        parts.push_back("RFC822.SIZE " + std::to_string(*known));
        break;
      }
      case Kind::envelope:
      case Kind::body:
      case Kind::body_structure: {
        auto p = parse();
        if (!p) return tl::unexpected(p.error());
        parts.push_back(item.kind == Kind::envelope ? "ENVELOPE " + envelope(**p)
                        : item.kind == Kind::body   ? "BODY " + body_structure(**p, false)
                                                    : "BODYSTRUCTURE " + body_structure(**p, true));
        break;
      }
      case Kind::binary:
      case Kind::binary_size: {
        auto p = parse();
        if (!p) return tl::unexpected(p.error());
        auto bytes = binary_section(**p, item.section);
        if (!bytes && bytes.error() == BinaryError::unknown_encoding)
          return fail(ErrorKind::rejected, "unknown Content-Transfer-Encoding");
        std::string_view content = bytes ? std::string_view(*bytes) : std::string_view();
        if (item.kind == Kind::binary_size)
          parts.push_back("BINARY.SIZE[" + item.section + "] " + std::to_string(content.size()));
        else
          parts.push_back(section_name(item) + " " + binary_literal(partial_of(content, item)));
        break;
      }
      case Kind::rfc822:
      case Kind::rfc822_header:
      case Kind::rfc822_text:
      case Kind::section: {
        if (item.kind == Kind::rfc822 || (item.kind == Kind::section && item.section.empty())) {
          // The whole message: no parse needed.
          auto b = body();
          if (!b) return tl::unexpected(b.error());
          parts.push_back((item.kind == Kind::rfc822 ? std::string("RFC822") : section_name(item)) +
                          " " + literal(partial_of(**b, item)));
          break;
        }
        auto p = parse();
        if (!p) return tl::unexpected(p.error());
        std::string section = item.kind == Kind::rfc822          ? ""
                              : item.kind == Kind::rfc822_header ? "HEADER"
                              : item.kind == Kind::rfc822_text   ? "TEXT"
                                                                 : item.section;
        auto bytes = section_text(**p, section);
        std::string name = item.kind == Kind::rfc822          ? "RFC822"
                           : item.kind == Kind::rfc822_header ? "RFC822.HEADER"
                           : item.kind == Kind::rfc822_text   ? "RFC822.TEXT"
                                                              : section_name(item);
        // RFC 3501: a section that does not exist is the empty string.
        parts.push_back(name + " " + literal(partial_of(bytes.value_or(""), item)));
        break;
      }
    }
  }
  if (uid && !has_uid) parts.insert(parts.begin(), "UID " + std::to_string(m.uid));
  if (sets_seen(items) && !box.read_only && !has_flags &&
      m.file.flags().find('S') != std::string_view::npos)
    parts.push_back("FLAGS " + box.flag_list(m));
  std::string out = "* " + std::to_string(index + 1) + " FETCH (";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : " ") + parts[i];
  return out + ")\r\n";
}

}  // namespace mailroom::server::imap
