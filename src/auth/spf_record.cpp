// RFC 7208 §4.6.1 and §12: record = version terms *SP, terms separated by
// one or more spaces (and nothing else: §4.6.1 allows no other whitespace).
#include "mailroom/auth/spf_record.hpp"

#include <cctype>
#include <charconv>
#include <string>
#include <utility>

#include "mailroom/auth/spf_macro.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

constexpr std::string_view kVersion = "v=spf1";

tl::unexpected<Error> bad_term(std::string_view term, std::string_view why) {
  // Appended, not "'" + std::string(term): GCC 12 warns falsely (-Wrestrict,
  // GCC bug 105329) on a literal added to a temporary string.
  std::string text = "'";
  text.append(term).append("': ").append(why);
  return fail(ErrorKind::parse, std::move(text));
}

// ip4-cidr-length / ip6-cidr-length: "/" then 1*DIGIT; leading zeros are
// refused like those of ip4-network (§12 qnum).
std::optional<unsigned> parse_cidr(std::string_view digits, unsigned max) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value > max) return std::nullopt;
  return value;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

// [ ":" domain-spec ]: `rest` is what follows the mechanism name.
Status parse_optional_domain(std::string_view term, std::string_view rest, SpfMechanism& m,
                             bool required) {
  if (rest.empty()) {
    if (required) return bad_term(term, "needs ':' and a domain");
    return ok();
  }
  if (rest.front() != ':') return bad_term(term, "unexpected text after the mechanism name");
  rest.remove_prefix(1);
  if (rest.empty()) return bad_term(term, "empty domain after ':'");
  if (auto s = check_macro_string(rest, MacroUse::domain_spec); !s) {
    return bad_term(term, s.error().message);
  }
  m.domain_spec = std::string(rest);
  return ok();
}

// a / mx: [ ":" domain-spec ] [ ip4-cidr-length ] [ "/" ip6-cidr-length ],
// the lengths taken from the end because a domain-spec may contain '/'.
Status parse_dual_cidr(std::string_view term, std::string_view rest, SpfMechanism& m) {
  if (auto pos = rest.rfind("//");
      pos != std::string_view::npos && all_digits(rest.substr(pos + 2))) {
    auto v6 = parse_cidr(rest.substr(pos + 2), 128);
    if (!v6) return bad_term(term, "bad IPv6 prefix length");
    m.cidr6 = *v6;
    rest = rest.substr(0, pos);
  }
  if (auto pos = rest.rfind('/');
      pos != std::string_view::npos && all_digits(rest.substr(pos + 1))) {
    auto v4 = parse_cidr(rest.substr(pos + 1), 32);
    if (!v4) return bad_term(term, "bad IPv4 prefix length");
    m.cidr4 = *v4;
    rest = rest.substr(0, pos);
  }
  return parse_optional_domain(term, rest, m, false);
}

// ip4 / ip6: ":" network [ "/" length ]
Status parse_network(std::string_view term, std::string_view rest, SpfMechanism& m, bool v4) {
  if (rest.empty() || rest.front() != ':') return bad_term(term, "needs ':' and a network");
  rest.remove_prefix(1);
  const auto slash = rest.find('/');
  auto ip = dns::IpAddress::parse(rest.substr(0, slash));
  if (!ip || ip->is_v4() != v4) return bad_term(term, v4 ? "bad IPv4 address" : "bad IPv6 address");
  m.network = *ip;
  if (slash != std::string_view::npos) {
    auto len = parse_cidr(rest.substr(slash + 1), v4 ? 32 : 128);
    if (!len) return bad_term(term, "bad prefix length");
    (v4 ? m.cidr4 : m.cidr6) = *len;
  }
  return ok();
}

std::optional<SpfMechanismKind> mechanism_kind(std::string_view name) {
  static constexpr std::pair<std::string_view, SpfMechanismKind> kNames[] = {
      {"all", SpfMechanismKind::all}, {"include", SpfMechanismKind::include},
      {"a", SpfMechanismKind::a},     {"mx", SpfMechanismKind::mx},
      {"ptr", SpfMechanismKind::ptr}, {"ip4", SpfMechanismKind::ip4},
      {"ip6", SpfMechanismKind::ip6}, {"exists", SpfMechanismKind::exists},
  };
  for (const auto& [n, kind] : kNames) {
    if (iequals(n, name)) return kind;
  }
  return std::nullopt;
}

Result<SpfMechanism> parse_directive(std::string_view term) {
  SpfMechanism m;
  m.text = std::string(term);
  std::string_view rest = term;
  switch (rest.front()) {
    case '+':
      m.qualifier = SpfCode::pass;
      rest.remove_prefix(1);
      break;
    case '-':
      m.qualifier = SpfCode::fail;
      rest.remove_prefix(1);
      break;
    case '~':
      m.qualifier = SpfCode::softfail;
      rest.remove_prefix(1);
      break;
    case '?':
      m.qualifier = SpfCode::neutral;
      rest.remove_prefix(1);
      break;
    default:
      break;
  }
  std::size_t n = 0;
  while (n < rest.size() && std::isalnum(static_cast<unsigned char>(rest[n])) != 0) ++n;
  auto kind = mechanism_kind(rest.substr(0, n));
  if (!kind) return bad_term(term, "unknown mechanism");
  m.kind = *kind;
  rest.remove_prefix(n);
  Status s = ok();
  switch (m.kind) {
    case SpfMechanismKind::all:
      if (!rest.empty()) s = bad_term(term, "'all' takes no argument");
      break;
    case SpfMechanismKind::include:
    case SpfMechanismKind::exists:
      s = parse_optional_domain(term, rest, m, true);
      break;
    case SpfMechanismKind::ptr:
      s = parse_optional_domain(term, rest, m, false);
      break;
    case SpfMechanismKind::a:
    case SpfMechanismKind::mx:
      s = parse_dual_cidr(term, rest, m);
      break;
    case SpfMechanismKind::ip4:
      s = parse_network(term, rest, m, true);
      break;
    case SpfMechanismKind::ip6:
      s = parse_network(term, rest, m, false);
      break;
  }
  if (!s) return tl::unexpected(s.error());
  return m;
}

// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ), then "=": the length of
// the name if `term` is a modifier, else 0.
std::size_t modifier_name_length(std::string_view term) {
  if (term.empty() || std::isalpha(static_cast<unsigned char>(term.front())) == 0) return 0;
  std::size_t i = 1;
  while (i < term.size()) {
    const char c = term[i];
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '.') break;
    ++i;
  }
  return i < term.size() && term[i] == '=' ? i : 0;
}

Status add_modifier(std::string_view term, std::size_t name_len, SpfRecord& record) {
  std::string name(term.substr(0, name_len));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view value = term.substr(name_len + 1);
  if (name == "redirect" || name == "exp") {
    auto& slot = name == "redirect" ? record.redirect : record.exp;
    // §6: each MUST NOT appear more than once.
    if (slot) return bad_term(term, "appears twice");
    if (value.empty()) return bad_term(term, "empty domain");
    if (auto s = check_macro_string(value, MacroUse::domain_spec); !s) {
      return bad_term(term, s.error().message);
    }
    slot = std::string(value);
    return ok();
  }
  if (auto s = check_macro_string(value, MacroUse::modifier); !s) {
    return bad_term(term, s.error().message);
  }
  record.unknown_modifiers.push_back({std::move(name), std::string(value)});
  return ok();
}

}  // namespace

bool SpfMechanism::queries_dns() const {
  switch (kind) {
    case SpfMechanismKind::include:
    case SpfMechanismKind::a:
    case SpfMechanismKind::mx:
    case SpfMechanismKind::ptr:
    case SpfMechanismKind::exists:
      return true;
    default:
      return false;
  }
}

bool is_spf_record(std::string_view txt) {
  return txt.size() >= kVersion.size() && iequals(txt.substr(0, kVersion.size()), kVersion) &&
         (txt.size() == kVersion.size() || txt[kVersion.size()] == ' ');
}

Result<SpfRecord> parse_spf_record(std::string_view txt, const SpfLimits& limits) {
  if (!is_spf_record(txt)) return fail(ErrorKind::parse, "does not start with \"v=spf1\"");
  if (txt.size() > limits.max_record_bytes) {
    return fail(ErrorKind::limit,
                "record longer than " + std::to_string(limits.max_record_bytes) + " bytes");
  }
  SpfRecord record;
  std::string_view rest = txt.substr(kVersion.size());
  std::size_t terms = 0;
  while (!rest.empty()) {
    if (rest.front() == ' ') {
      rest.remove_prefix(1);
      continue;
    }
    const auto end = rest.find(' ');
    const std::string_view term = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (++terms > limits.max_terms) {
      return fail(ErrorKind::limit, "more than " + std::to_string(limits.max_terms) + " terms");
    }
    if (const std::size_t name_len = modifier_name_length(term); name_len > 0) {
      if (auto s = add_modifier(term, name_len, record); !s) return tl::unexpected(s.error());
      continue;
    }
    auto mechanism = parse_directive(term);
    if (!mechanism) return tl::unexpected(mechanism.error());
    record.mechanisms.push_back(std::move(*mechanism));
  }
  return record;
}

}  // namespace mailroom::auth
