#include "server/imap/fetch.hpp"
#include "server/imap/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <memory>

#include "mailroom/message/message.hpp"
#include "server/imap/bodystructure.hpp"
#include "server/imap/envelope.hpp"

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

namespace {

// What one message's FETCH reads, each at most once: the message text,
// the header alone, the parse.
class Reads {
 public:
  Reads(Selected& box, const Message& m, const std::vector<FetchItem>& items)
      : box_(box), m_(m), header_only_(std::all_of(items.begin(), items.end(), [](const auto& i) {
          return i.kind == Kind::flags || i.kind == Kind::uid || i.kind == Kind::internal_date ||
                 i.kind == Kind::size || i.kind == Kind::envelope;
        })) {}

  Result<const std::string*> body() {
    if (!text_) {
      auto read = box_.read(m_);
      if (!read) return tl::unexpected(read.error());
      text_ = std::move(*read);
    }
    return &*text_;
  }

  Result<const message::Message*> parse() {
    if (!parsed_) {
      auto b = body();
      if (!b) return tl::unexpected(b.error());
      parsed_ = message::Message::parse(
          std::make_shared<const message::Buffer>(message::Buffer::from_string(**b)));
    }
    return &*parsed_;
  }

  // ENVELOPE needs the header fields only: without another item that
  // reads the body, only the header is read, and no Message is built
  // (the first FETCH of a folder does this for every message).
  Status envelope(std::string& out) {
    if (!header_only_ || text_ || parsed_) {
      auto p = parse();
      if (!p) return tl::unexpected(p.error());
      append_envelope(out, (*p)->headers(), (*p)->limits());
      return ok();
    }
    auto head = box_.read_header(m_);
    if (!head) return tl::unexpected(head.error());
    append_envelope(out, *head);
    return ok();
  }

  // BODY[] or RFC822 whole, when nothing else needs the text: the file
  // goes into the response as it is read, with no copy kept.
  [[nodiscard]] bool can_stream(const FetchItem& item, const std::vector<FetchItem>& items) const {
    if (text_ || item.partial) return false;
    return std::count_if(items.begin(), items.end(), [](const FetchItem& i) {
             return i.kind != Kind::flags && i.kind != Kind::uid && i.kind != Kind::internal_date &&
                    i.kind != Kind::size;
           }) == 1;
  }

 private:
  Selected& box_;
  const Message& m_;
  const bool header_only_;
  std::optional<std::string> text_;
  std::optional<message::Message> parsed_;
};

}  // namespace

Status fetch_message(Selected& box, std::size_t index, const std::vector<FetchItem>& items,
                     bool uid, std::string& out) {
  Message& m = box.messages[index];
  const std::size_t start = out.size();
  auto failed = [&](const Error& e) -> Status {
    out.resize(start);
    return tl::unexpected(e);
  };
  Reads reads(box, m, items);
  const bool has_uid = std::any_of(items.begin(), items.end(),
                                   [](const FetchItem& i) { return i.kind == Kind::uid; });
  const bool has_flags = std::any_of(items.begin(), items.end(),
                                     [](const FetchItem& i) { return i.kind == Kind::flags; });
  out += "* ";
  out += std::to_string(index + 1);
  out += " FETCH (";
  bool first = true;
  auto next = [&](std::string_view name) {
    if (!first) out += ' ';
    first = false;
    out += name;
  };
  if (uid && !has_uid) next("UID " + std::to_string(m.uid));
  for (const auto& item : items) {
    switch (item.kind) {
      case Kind::flags:
        next("FLAGS ");
        out += box.flag_list(m);
        break;
      case Kind::uid:
        next("UID ");
        out += std::to_string(m.uid);
        break;
      case Kind::internal_date:
        next("INTERNALDATE \"");
        out += imap_date_time(box.internal_date(m));
        out += '"';
        break;
      case Kind::size: {
        auto known = Selected::size_from_name(m);
        if (!known) {
          auto b = reads.body();
          if (!b) return failed(b.error());
          known = (*b)->size();
        }
        next("RFC822.SIZE ");
        out += std::to_string(*known);
        break;
      }
      case Kind::envelope: {
        next("ENVELOPE ");
        if (auto s = reads.envelope(out); !s) return failed(s.error());
        break;
      }
      case Kind::body:
      case Kind::body_structure: {
        auto p = reads.parse();
        if (!p) return failed(p.error());
        next(item.kind == Kind::body ? "BODY " : "BODYSTRUCTURE ");
        out += body_structure(**p, item.kind == Kind::body_structure);
        break;
      }
      case Kind::binary:
      case Kind::binary_size: {
        auto p = reads.parse();
        if (!p) return failed(p.error());
        auto bytes = binary_section(**p, item.section);
        if (!bytes && bytes.error() == BinaryError::unknown_encoding)
          return failed(Error{ErrorKind::rejected, "unknown Content-Transfer-Encoding"});
        std::string_view content = bytes ? std::string_view(*bytes) : std::string_view();
        if (item.kind == Kind::binary_size)
          next("BINARY.SIZE[" + item.section + "] " + std::to_string(content.size()));
        else
          next(section_name(item) + " " + binary_literal(partial_of(content, item)));
        break;
      }
      case Kind::rfc822:
      case Kind::rfc822_header:
      case Kind::rfc822_text:
      case Kind::section: {
        if (item.kind == Kind::rfc822 || (item.kind == Kind::section && item.section.empty())) {
          // The whole message: no parse needed.
          next(item.kind == Kind::rfc822 ? std::string("RFC822 ") : section_name(item) + " ");
          if (reads.can_stream(item, items)) {
            if (auto s = box.append_literal(m, out); !s) return failed(s.error());
            break;
          }
          auto b = reads.body();
          if (!b) return failed(b.error());
          out += literal(partial_of(**b, item));
          break;
        }
        auto p = reads.parse();
        if (!p) return failed(p.error());
        std::string section = item.kind == Kind::rfc822_header ? "HEADER"
                              : item.kind == Kind::rfc822_text ? "TEXT"
                                                               : item.section;
        auto bytes = section_text(**p, section);
        std::string name = item.kind == Kind::rfc822_header ? "RFC822.HEADER"
                           : item.kind == Kind::rfc822_text ? "RFC822.TEXT"
                                                            : section_name(item);
        // RFC 3501: a section that does not exist is the empty string.
        next(name + " " + literal(partial_of(bytes.value_or(""), item)));
        break;
      }
    }
  }
  if (sets_seen(items) && !box.read_only && !has_flags &&
      m.file.flags().find('S') != std::string_view::npos)
    next("FLAGS " + box.flag_list(m));
  out += ")\r\n";
  return ok();
}

}  // namespace mailroom::server::imap
