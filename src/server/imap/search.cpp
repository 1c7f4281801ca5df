#include "server/imap/search.hpp"
#include "server/imap/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

#include "mailroom/message/message.hpp"
#include "server/imap/bodystructure.hpp"
#include "server/imap/sequence.hpp"

namespace mailroom::server::imap {

struct SearchKey {
  enum class Kind {
    all,
    flag,
    not_flag,
    header,
    body,
    text,
    larger,
    smaller,
    before,
    on,
    since,
    sent_before,
    sent_on,
    sent_since,
    uid_set,
    seq_set,
    not_key,
    or_key,
    and_keys,
    recent,
    is_new,
    old
  };
  Kind kind = Kind::all;
  char letter = 0;                  // flag / not_flag ('a'..'z' keywords)
  std::string field;                // header
  std::string needle;               // header, body, text
  std::uint64_t number = 0;         // larger, smaller
  long long day = 0;                // dates: days since the epoch
  SequenceSet set;                  // uid_set, seq_set
  std::vector<SearchKey> children;  // not (1), or (2), and (n)
};

namespace {

using Kind = SearchKey::Kind;
constexpr std::size_t kMaxDepth = 16;

std::string fold(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

tl::unexpected<Error> bad(std::string why) { return fail(ErrorKind::parse, std::move(why)); }

// "1-Feb-1994" (RFC 3501 date) as days since the epoch.
std::optional<long long> parse_date(std::string_view text) {
  static constexpr std::string_view kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                 "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  auto first = text.find('-');
  auto second = text.find('-', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  int day = 0, year = 0;
  auto d = std::from_chars(text.data(), text.data() + first, day);
  auto y = std::from_chars(text.data() + second + 1, text.data() + text.size(), year);
  if (d.ec != std::errc{} || y.ec != std::errc{} || day < 1 || day > 31 || year < 1900 ||
      year > 9999)
    return std::nullopt;
  std::string month = upper(text.substr(first + 1, second - first - 1));
  auto it = std::find(std::begin(kMonths), std::end(kMonths), month);
  if (it == std::end(kMonths)) return std::nullopt;
  int m = static_cast<int>(it - std::begin(kMonths)) + 1;
  // Days from civil (Howard Hinnant's algorithm).
  int yy = year - (m <= 2 ? 1 : 0);
  int era = yy / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<long long>(era) * 146097 + doe - 719468;
}

class Parser {
 public:
  Parser(const std::vector<Value>& args, const Selected& box) : args_(args), box_(box) {}

  Result<SearchKey> all() {
    SearchKey out;
    out.kind = Kind::and_keys;
    if (pos_ + 1 < args_.size() && upper(args_[pos_].text) == "CHARSET" &&
        args_[pos_].kind == Value::Kind::atom) {
      std::string charset = upper(args_[pos_ + 1].text);
      if (charset != "UTF-8" && charset != "US-ASCII")
        return fail(ErrorKind::rejected, "[BADCHARSET (UTF-8 US-ASCII)] unsupported charset");
      pos_ += 2;
    }
    while (pos_ < args_.size()) {
      auto key = one(args_[pos_++], 0);
      if (!key) return key;
      out.children.push_back(std::move(*key));
    }
    if (out.children.empty()) return bad("SEARCH needs a key");
    return out;
  }

 private:
  const Value* next() { return pos_ < args_.size() ? &args_[pos_++] : nullptr; }

  Result<std::string> string_arg() {
    const Value* v = next();
    if (v == nullptr || !v->is_astring()) return bad("SEARCH key needs a string");
    return v->text;
  }

  Result<SearchKey> flag_key(char letter, bool set) {
    SearchKey k;
    k.kind = set ? Kind::flag : Kind::not_flag;
    k.letter = letter;
    return k;
  }

  Result<SearchKey> keyword_key(bool set) {
    auto name = string_arg();
    if (!name) return tl::unexpected(name.error());
    auto letters = const_cast<Selected&>(box_).letters_for({*name});
    SearchKey k;
    if (!letters || letters->empty()) {  // a keyword no message can have
      k.kind = set ? Kind::not_key : Kind::all;
      if (set) k.children.push_back(SearchKey{});
      return k;
    }
    return flag_key((*letters)[0], set);
  }

  Result<SearchKey> date_key(Kind kind) {
    auto text = string_arg();
    if (!text) return tl::unexpected(text.error());
    auto day = parse_date(*text);
    if (!day) return bad("bad date " + *text);
    SearchKey k;
    k.kind = kind;
    k.day = *day;
    return k;
  }

  Result<SearchKey> header_key(std::string field) {
    auto needle = string_arg();
    if (!needle) return tl::unexpected(needle.error());
    SearchKey k;
    k.kind = Kind::header;
    k.field = std::move(field);
    k.needle = fold(*needle);
    return k;
  }

  Result<SearchKey> size_key(Kind kind) {
    auto text = string_arg();
    if (!text) return tl::unexpected(text.error());
    const std::string digits = std::move(*text);
    SearchKey k;
    k.kind = kind;
    const char* last = digits.data() + digits.size();
    auto [end, ec] = std::from_chars(digits.data(), last, k.number);
    if (ec != std::errc{} || end != last) return bad("bad number");
    return k;
  }

  Result<SearchKey> one(const Value& v, std::size_t depth) {
    if (depth > kMaxDepth) return fail(ErrorKind::limit, "SEARCH nested too deeply");
    if (v.kind == Value::Kind::list) {
      SearchKey k;
      k.kind = Kind::and_keys;
      Parser inner(v.items, box_);
      while (inner.pos_ < v.items.size()) {
        auto child = inner.one(v.items[inner.pos_++], depth + 1);
        if (!child) return child;
        k.children.push_back(std::move(*child));
      }
      if (k.children.empty()) return bad("empty SEARCH list");
      return k;
    }
    if (v.kind != Value::Kind::atom) return bad("expected a SEARCH key");
    std::string word = upper(v.text);
    static const std::pair<std::string_view, std::pair<char, bool>> kFlags[] = {
        {"ANSWERED", {'R', true}},   {"DELETED", {'T', true}},  {"DRAFT", {'D', true}},
        {"FLAGGED", {'F', true}},    {"SEEN", {'S', true}},     {"UNANSWERED", {'R', false}},
        {"UNDELETED", {'T', false}}, {"UNDRAFT", {'D', false}}, {"UNFLAGGED", {'F', false}},
        {"UNSEEN", {'S', false}}};
    for (const auto& [name, flag] : kFlags)
      if (word == name) return flag_key(flag.first, flag.second);
    static const std::pair<std::string_view, Kind> kDates[] = {
        {"BEFORE", Kind::before},  {"ON", Kind::on},
        {"SINCE", Kind::since},    {"SENTBEFORE", Kind::sent_before},
        {"SENTON", Kind::sent_on}, {"SENTSINCE", Kind::sent_since}};
    for (const auto& [name, kind] : kDates)
      if (word == name) return date_key(kind);
    for (std::string_view field : {"BCC", "CC", "FROM", "SUBJECT", "TO"})
      if (word == field) return header_key(std::string(field));
    SearchKey k;
    if (word == "ALL") return k;
    if (word == "RECENT" || word == "NEW" || word == "OLD") {
      k.kind = word == "RECENT" ? Kind::recent : word == "NEW" ? Kind::is_new : Kind::old;
      return k;
    }
    if (word == "KEYWORD") return keyword_key(true);
    if (word == "UNKEYWORD") return keyword_key(false);
    if (word == "LARGER") return size_key(Kind::larger);
    if (word == "SMALLER") return size_key(Kind::smaller);
    if (word == "HEADER") {
      auto field = string_arg();
      if (!field) return tl::unexpected(field.error());
      return header_key(*field);
    }
    if (word == "BODY" || word == "TEXT") {
      auto needle = string_arg();
      if (!needle) return tl::unexpected(needle.error());
      k.kind = word == "BODY" ? Kind::body : Kind::text;
      k.needle = fold(*needle);
      return k;
    }
    if (word == "NOT" || word == "OR") {
      k.kind = word == "NOT" ? Kind::not_key : Kind::or_key;
      for (int i = word == "NOT" ? 1 : 2; i > 0; --i) {
        const Value* arg = next();
        if (arg == nullptr) return bad(word + " needs a key");
        auto child = one(*arg, depth + 1);
        if (!child) return child;
        k.children.push_back(std::move(*child));
      }
      return k;
    }
    std::uint32_t largest_uid = box_.messages.empty() ? 0 : box_.messages.back().uid;
    if (word == "UID") {
      const Value* arg = next();
      auto set = arg == nullptr ? std::nullopt : parse_sequence_set(arg->text, largest_uid);
      if (!set) return bad("UID needs a sequence set");
      k.kind = Kind::uid_set;
      k.set = std::move(*set);
      return k;
    }
    auto set = parse_sequence_set(v.text, static_cast<std::uint32_t>(box_.messages.size()));
    if (!set) return bad("unknown SEARCH key " + v.text);
    k.kind = Kind::seq_set;
    k.set = std::move(*set);
    return k;
  }

  const std::vector<Value>& args_;
  const Selected& box_;
  std::size_t pos_ = 0;
};

// What one message offers to the keys, loaded when a key first needs it.
class Candidate {
 public:
  Candidate(Selected& box, std::size_t index) : box_(box), index_(index) {}
  const Message& message() const { return box_.messages[index_]; }
  std::uint32_t sequence() const { return static_cast<std::uint32_t>(index_ + 1); }
  const std::string& text() {
    if (!text_) text_ = box_.read(message()).value_or("");
    return *text_;
  }
  const message::Message& parsed() {
    if (!parsed_)
      parsed_ = message::Message::parse(
          std::make_shared<const message::Buffer>(message::Buffer::from_string(text())));
    return *parsed_;
  }
  long long arrival_day() const { return box_.internal_date(message()) / 86400; }

 private:
  Selected& box_;
  std::size_t index_;
  std::optional<std::string> text_;
  std::optional<message::Message> parsed_;
};

bool contains(std::string_view haystack, const std::string& folded_needle) {
  return fold(haystack).find(folded_needle) != std::string::npos;
}

bool header_matches(Candidate& c, const SearchKey& k) {
  const auto& m = c.parsed();
  if (upper(k.field) == "SUBJECT") return contains(m.subject(), k.needle);
  bool found = false;
  for (const auto* f : m.find_all(k.field)) {
    // RFC 3501: HEADER with an empty string matches every message with the field.
    if (k.needle.empty() || contains(message::unfold(f->value), k.needle)) found = true;
  }
  return found;
}

bool matches(Candidate& c, const SearchKey& k) {
  const auto& flags = c.message().file.flags();
  switch (k.kind) {
    case Kind::all:
      return true;
    case Kind::flag:
      return flags.find(k.letter) != std::string_view::npos;
    case Kind::not_flag:
      return flags.find(k.letter) == std::string_view::npos;
    case Kind::recent:
      return c.message().recent;
    case Kind::is_new:
      return c.message().recent && flags.find('S') == std::string_view::npos;
    case Kind::old:
      return !c.message().recent;
    case Kind::header:
      return header_matches(c, k);
    case Kind::body:
      return contains(c.parsed().body_text(), k.needle);
    case Kind::text:
      return contains(c.parsed().header_block(), k.needle) ||
             contains(c.parsed().body_text(), k.needle);
    case Kind::larger:
      return c.text().size() > k.number;
    case Kind::smaller:
      return c.text().size() < k.number;
    case Kind::before:
      return c.arrival_day() < k.day;
    case Kind::on:
      return c.arrival_day() == k.day;
    case Kind::since:
      return c.arrival_day() >= k.day;
    case Kind::sent_before:
    case Kind::sent_on:
    case Kind::sent_since: {
      auto date = c.parsed().date();
      if (!date) return false;
      // RFC 3501: the date of the Date: header, disregarding time and zone.
      auto day = parse_date(std::to_string(date->day) + "-" +
                            std::string("JanFebMarAprMayJunJulAugSepOctNovDec")
                                .substr(static_cast<std::size_t>(date->month - 1) * 3, 3) +
                            "-" + std::to_string(date->year));
      if (!day) return false;
      return k.kind == Kind::sent_before ? *day < k.day
             : k.kind == Kind::sent_on   ? *day == k.day
                                         : *day >= k.day;
    }
    case Kind::uid_set:
      return k.set.contains(c.message().uid);
    case Kind::seq_set:
      return k.set.contains(c.sequence());
    case Kind::not_key:
      return !matches(c, k.children[0]);
    case Kind::or_key:
      return matches(c, k.children[0]) || matches(c, k.children[1]);
    case Kind::and_keys:
      return std::all_of(k.children.begin(), k.children.end(),
                         [&](const SearchKey& child) { return matches(c, child); });
  }
  return false;
}

}  // namespace

Result<SearchProgram> parse_search(const std::vector<Value>& args, const Selected& box) {
  Parser parser(args, box);
  auto key = parser.all();
  if (!key) return tl::unexpected(key.error());
  return std::make_shared<const SearchKey>(std::move(*key));
}

std::vector<std::uint32_t> run_search(const SearchProgram& program, Selected& box, bool uid) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < box.messages.size(); ++i) {
    if (box.messages[i].gone) continue;
    Candidate candidate(box, i);
    if (matches(candidate, *program))
      out.push_back(uid ? box.messages[i].uid : static_cast<std::uint32_t>(i + 1));
  }
  return out;
}

}  // namespace mailroom::server::imap
