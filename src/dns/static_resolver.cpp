#include "mailroom/dns/static_resolver.hpp"
#include "mailroom/util/text.hpp"

#include <charconv>
#include <utility>

namespace mailroom::dns {
namespace {

constexpr int kMaxCnameHops = 8;

std::string_view next_word(std::string_view& s) {
  s = trim_space(s);
  const auto end = s.find_first_of(" \t");
  std::string_view word = s.substr(0, end);
  s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  return word;
}

// TXT data: one or more "quoted strings" (\" and \\ escape), joined; or the
// bare rest of the line.
Result<std::string> parse_txt(std::string_view data) {
  data = trim_space(data);
  if (data.empty() || data.front() != '"') return std::string(data);
  std::string out;
  while (!data.empty()) {
    if (data.front() != '"') return fail(ErrorKind::parse, "expected a quoted string");
    std::size_t i = 1;
    for (; i < data.size() && data[i] != '"'; ++i) {
      if (data[i] == '\\' && i + 1 < data.size()) ++i;
      out += data[i];
    }
    if (i >= data.size()) return fail(ErrorKind::parse, "unterminated quoted string");
    data = trim_space(data.substr(i + 1));
  }
  return out;
}

}  // namespace

void StaticResolver::add(std::string_view name, Entry entry) {
  zone_[canonical_name(name)].push_back(std::move(entry));
}

void StaticResolver::add_name(std::string_view name) { zone_[canonical_name(name)]; }

void StaticResolver::add_txt(std::string_view name, std::string text) {
  Entry e;
  e.type = RecordType::txt;
  e.text = std::move(text);
  add(name, std::move(e));
}

void StaticResolver::add_address(std::string_view name, const IpAddress& address) {
  Entry e;
  e.type = address.is_v4() ? RecordType::a : RecordType::aaaa;
  e.address = address;
  add(name, std::move(e));
}

void StaticResolver::add_mx(std::string_view name, std::uint16_t preference,
                            std::string_view exchange) {
  Entry e;
  e.type = RecordType::mx;
  e.text = canonical_name(exchange);
  e.preference = preference;
  add(name, std::move(e));
}

void StaticResolver::add_ptr(std::string_view name, std::string_view target) {
  std::string_view t = target;
  if (!t.empty() && t.back() == '.') t.remove_suffix(1);
  Entry e;
  e.type = RecordType::ptr;
  e.text = std::string(t);
  add(name, std::move(e));
}

void StaticResolver::add_cname(std::string_view name, std::string_view target) {
  Entry e;
  e.type = RecordType::cname;
  e.text = canonical_name(target);
  add(name, std::move(e));
}

void StaticResolver::add_timeout(std::string_view name) {
  Entry e;
  e.fault = Fault::timeout;
  add(name, std::move(e));
}

void StaticResolver::add_servfail(std::string_view name) {
  Entry e;
  e.fault = Fault::servfail;
  add(name, std::move(e));
}

Result<Answer> StaticResolver::query(std::string_view name, RecordType type, Deadline deadline) {
  ++queries_;
  if (deadline.expired()) return fail(ErrorKind::temporary, "DNS deadline already spent");
  if (!is_valid_query_name(name)) {
    return fail(ErrorKind::parse, "not a valid DNS name: " + std::string(name));
  }
  std::string current = canonical_name(name);
  for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
    auto it = zone_.find(current);
    if (it == zone_.end()) return Answer::nxdomain();
    const Entry* cname = nullptr;
    for (const Entry& e : it->second) {
      if (e.fault == Fault::none && e.type == RecordType::cname) cname = &e;
    }
    if (cname == nullptr || type == RecordType::cname) return lookup(current, type);
    current = cname->text;
  }
  return fail(ErrorKind::temporary, "CNAME chain too long or looping at " + std::string(name));
}

Result<Answer> StaticResolver::lookup(const std::string& name, RecordType type) const {
  Answer answer;
  for (const Entry& e : zone_.find(name)->second) {
    if (e.fault != Fault::none) {
      if (answer.kind == AnswerKind::records) break;  // faults come after these records
      if (e.fault == Fault::timeout) {
        return fail(ErrorKind::temporary,
                    "DNS timeout: " + name + " " + std::string(to_string(type)));
      }
      return fail(ErrorKind::temporary,
                  "DNS SERVFAIL: " + name + " " + std::string(to_string(type)));
    }
    if (e.type != type) continue;
    answer.kind = AnswerKind::records;
    switch (type) {
      case RecordType::txt:
        answer.texts.push_back(e.text);
        break;
      case RecordType::a:
      case RecordType::aaaa:
        answer.addresses.push_back(e.address);
        break;
      case RecordType::mx:
        answer.exchanges.push_back({e.preference, e.text});
        break;
      case RecordType::ptr:
      case RecordType::cname:
        answer.names.push_back(e.text);
        break;
    }
  }
  return answer;
}

Status StaticResolver::load(std::string_view zone_text) {
  std::size_t line_no = 0;
  while (!zone_text.empty()) {
    ++line_no;
    const auto eol = zone_text.find('\n');
    std::string_view line = zone_text.substr(0, eol);
    zone_text = eol == std::string_view::npos ? std::string_view{} : zone_text.substr(eol + 1);
    if (auto hash = line.find('#'); hash != std::string_view::npos && line.find('"') > hash) {
      line = line.substr(0, hash);
    }
    if (trim_space(line).empty()) continue;
    auto bad = [&](std::string_view why) {
      return fail(ErrorKind::parse,
                  "zone line " + std::to_string(line_no) + ": " + std::string(why));
    };
    const std::string_view name = next_word(line);
    const std::string_view type = next_word(line);
    const std::string_view data = trim_space(line);
    if (type == "TXT") {
      auto text = parse_txt(data);
      if (!text) return bad(text.error().message);
      add_txt(name, std::move(*text));
    } else if (type == "A" || type == "AAAA") {
      auto ip = IpAddress::parse(data);
      if (!ip || ip->is_v4() != (type == "A")) return bad("bad address");
      add_address(name, *ip);
    } else if (type == "MX") {
      std::string_view rest = data;
      const std::string_view pref = next_word(rest);
      std::uint16_t value = 0;
      if (std::from_chars(pref.data(), pref.data() + pref.size(), value).ec != std::errc{}) {
        return bad("bad MX preference");
      }
      add_mx(name, value, trim_space(rest));
    } else if (type == "PTR") {
      add_ptr(name, data);
    } else if (type == "CNAME") {
      add_cname(name, data);
    } else if (type == "TIMEOUT") {
      add_timeout(name);
    } else if (type == "SERVFAIL") {
      add_servfail(name);
    } else {
      return bad("unknown type");
    }
  }
  return ok();
}

}  // namespace mailroom::dns
