// Validation of tests (RFC 5228 §5) and their tags: match types (§2.7.1),
// comparators (§2.7.3, RFC 4790) and address parts (§2.7.4).
#include <algorithm>
#include <array>

#include "sieve/sending.hpp"
#include "sieve/structure.hpp"
#include "sieve/validator.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

using Kind = CompiledTest::Kind;

std::optional<Kind> test_kind(std::string_view name) {
  static constexpr std::pair<std::string_view, Kind> kTests[] = {
      {"address", Kind::address},
      {"envelope", Kind::envelope},
      {"header", Kind::header},
      {"exists", Kind::exists},
      {"size", Kind::size_over},
      {"allof", Kind::allof},
      {"anyof", Kind::anyof},
      {"not", Kind::not_},
      {"true", Kind::true_},
      {"false", Kind::false_},
      {"string", Kind::string_},
      {"hasflag", Kind::hasflag},
      {"mailboxexists", Kind::mailboxexists},
      {"body", Kind::body},
      {"duplicate", Kind::duplicate},
      {"valid_notify_method", Kind::valid_notify_method},
      {"notify_method_capability", Kind::notify_method_capability},
      {"environment", Kind::environment},
      {"date", Kind::date},
      {"currentdate", Kind::currentdate},
      {"spamtest", Kind::spamtest},
      {"virustest", Kind::virustest},
      {"ihave", Kind::ihave},
      {"valid_ext_list", Kind::valid_ext_list}};
  for (const auto& [n, k] : kTests) {
    if (n == name) return k;
  }
  return std::nullopt;
}

// field-name = 1*ftext; ftext = %d33-57 / %d59-126 (RFC 5322 §3.6.8).
bool valid_field_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 33 && u <= 126 && u != ':';
  });
}

// §5.1: the address test is restricted to fields that hold addresses.
bool address_field(std::string_view name) {
  static constexpr std::array<std::string_view, 16> kFields = {"from",
                                                               "to",
                                                               "cc",
                                                               "bcc",
                                                               "sender",
                                                               "resent-from",
                                                               "resent-to",
                                                               "resent-cc",
                                                               "resent-bcc",
                                                               "reply-to",
                                                               "resent-sender",
                                                               "resent-reply-to",
                                                               "return-path",
                                                               "delivered-to",
                                                               "errors-to",
                                                               "disposition-notification-to"};
  std::string lowered(name);
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(kFields.begin(), kFields.end(), lowered) != kFields.end();
}

std::optional<AddressPart> address_part_tag(std::string_view tag) {
  if (tag == "all") return AddressPart::all;
  if (tag == "localpart") return AddressPart::localpart;
  if (tag == "domain") return AddressPart::domain;
  if (tag == "user") return AddressPart::user;
  if (tag == "detail") return AddressPart::detail;
  return std::nullopt;
}

bool has_match_tags(Kind k) {
  return k == Kind::address || k == Kind::envelope || k == Kind::header || k == Kind::string_ ||
         k == Kind::hasflag || k == Kind::body || k == Kind::notify_method_capability ||
         k == Kind::environment || k == Kind::date || k == Kind::currentdate ||
         k == Kind::spamtest || k == Kind::virustest;
}

}  // namespace

// RFC 5231 §4: ":count" / ":value" then the relational-match string,
// "gt" / "ge" / "lt" / "le" / "eq" / "ne" (any case); needs "relational".
static bool read_relation(Validator& v, const Test& t, const std::vector<Argument>& args,
                          std::size_t& i, CompiledTest& out) {
  const Argument& tag = args[i];
  v.need("relational", ":" + tag.tag, tag.position);
  out.match = tag.tag == "count" ? MatchType::count : MatchType::value;
  if (i + 1 >= args.size() || args[i + 1].kind != Argument::Kind::string) {
    v.error(DiagnosticKind::bad_arguments, t.name + ": :" + tag.tag + " needs a relation string",
            tag.position);
    return false;
  }
  std::string relation = args[++i].strings.front();
  for (char& c : relation) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::pair<std::string_view, Relation> kRelations[] = {
      {"gt", Relation::gt}, {"ge", Relation::ge}, {"lt", Relation::lt},
      {"le", Relation::le}, {"eq", Relation::eq}, {"ne", Relation::ne}};
  for (const auto& [name, value] : kRelations) {
    if (name == relation) {
      out.relation = value;
      return true;
    }
  }
  v.error(DiagnosticKind::bad_arguments,
          t.name + ": '" + relation + "' is not a relation (gt, ge, lt, le, eq, ne)",
          args[i].position);
  return false;
}

// Reads the tags of a test into `out`; false after reporting an error.
// `positional_out` receives the arguments that are not tags or tag values.
static bool read_tags(Validator& v, const Test& t, CompiledTest& out,
                      std::vector<const Argument*>& positional_out) {
  bool match_seen = false, comparator_seen = false, part_seen = false, size_seen = false,
       transform_seen = false;
  auto dup = [&](const Argument& a, std::string_view group) {
    v.error(DiagnosticKind::duplicate_tag, t.name + ": more than one " + std::string(group),
            a.position);
    return false;
  };
  const auto& args = t.arguments;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Argument& a = args[i];
    if (a.kind != Argument::Kind::tag) {
      positional_out.push_back(&a);
      continue;
    }
    if (!positional_out.empty()) return v.tag_after_positional(t.name, a);
    const std::string& tag = a.tag;
    if (has_match_tags(out.kind) && (tag == "count" || tag == "value")) {
      if (match_seen) return dup(a, "match type");
      match_seen = true;
      if (!read_relation(v, t, args, i, out)) return false;
    } else if (has_match_tags(out.kind) && (tag == "is" || tag == "contains" || tag == "matches" ||
                                            tag == "regex" || tag == "list")) {
      if (match_seen) return dup(a, "match type");
      match_seen = true;
      out.match = tag == "is"         ? MatchType::is
                  : tag == "contains" ? MatchType::contains
                  : tag == "matches"  ? MatchType::matches
                  : tag == "regex"    ? MatchType::regex
                                      : MatchType::list;
      if (tag == "regex") v.need("regex", ":regex", a.position);
      if (tag == "list") v.need("extlists", ":list", a.position);
    } else if (has_match_tags(out.kind) && tag == "comparator") {
      if (comparator_seen) return dup(a, ":comparator");
      comparator_seen = true;
      if (i + 1 >= args.size() || args[i + 1].kind != Argument::Kind::string) {
        v.error(DiagnosticKind::bad_arguments, t.name + ": :comparator needs a string", a.position);
        return false;
      }
      std::string name = args[++i].strings.front();
      if (!v.decode(name, args[i].position)) return false;
      if (name == "i;octet") {
        out.comparator = Comparator::octet;
      } else if (name == "i;ascii-casemap") {
        out.comparator = Comparator::ascii_casemap;
      } else if (name == "i;ascii-numeric") {
        out.comparator = Comparator::ascii_numeric;
        v.need("comparator-i;ascii-numeric", "comparator i;ascii-numeric", args[i].position);
      } else if (name == "i;unicode-casemap") {
        out.comparator = Comparator::unicode_casemap;
        v.need("comparator-i;unicode-casemap", "comparator i;unicode-casemap", args[i].position);
      } else {
        v.error(DiagnosticKind::unknown_comparator, t.name + ": unknown comparator '" + name + "'",
                args[i].position);
        return false;
      }
    } else if ((out.kind == Kind::address || out.kind == Kind::envelope) && address_part_tag(tag)) {
      if (part_seen) return dup(a, "address part");
      part_seen = true;
      out.part = *address_part_tag(tag);
      // RFC 5233 §4: :user and :detail come with require "subaddress".
      if (out.part == AddressPart::user || out.part == AddressPart::detail) {
        v.need("subaddress", ":" + tag, a.position);
      }
    } else if (out.kind == Kind::body && (tag == "raw" || tag == "content" || tag == "text")) {
      // RFC 5173 §5: one body transform; :content takes the types.
      if (transform_seen) return dup(a, "body transform");
      transform_seen = true;
      out.transform = tag == "raw"       ? BodyTransform::raw
                      : tag == "content" ? BodyTransform::content
                                         : BodyTransform::text;
      if (out.transform == BodyTransform::content) {
        if (i + 1 >= args.size() || !is_strings(&args[i + 1])) {
          v.error(DiagnosticKind::bad_arguments, "body: :content needs a list of content types",
                  a.position);
          return false;
        }
        out.names = args[++i].strings;
        if (!v.decode(out.names, args[i].position)) return false;
      }
    } else if (out.kind == Kind::size_over && (tag == "over" || tag == "under")) {
      if (size_seen) return dup(a, "of :over and :under");
      size_seen = true;
      out.kind = tag == "over" ? Kind::size_over : Kind::size_under;
    } else if (auto taken = v.extension_tag(t, args, i, out)) {
      if (!*taken) return false;
    } else {
      v.error(DiagnosticKind::unknown_tag, t.name + ": unknown tag :" + tag, a.position);
      return false;
    }
  }
  if (!v.check_extension_tags(t, out)) return false;
  if (out.kind == Kind::size_over && !size_seen) {
    v.error(DiagnosticKind::bad_arguments, "size: needs :over or :under", t.position);
    return false;
  }
  // RFC 4790 §9.1: i;ascii-numeric offers equality and ordering only.
  if (out.comparator == Comparator::ascii_numeric &&
      (out.match == MatchType::contains || out.match == MatchType::matches)) {
    v.error(DiagnosticKind::unsupported_match_type,
            t.name + ": comparator i;ascii-numeric does not support :contains or :matches",
            t.position);
    return false;
  }
  return true;
}

bool Validator::take_strings(std::vector<std::string>& into, const Argument& argument,
                             bool& expands) {
  into = argument.strings;
  saw_reference = false;
  if (!decode(into, argument.position)) return false;
  expands = expands || saw_reference;
  return true;
}

std::optional<CompiledTest> Validator::test(const Test& t) {
  if (std::optional<CompiledTest> ext; structure_test(*this, t, ext)) return ext;
  auto kind = test_kind(t.name);
  if (!kind) {
    error(DiagnosticKind::unknown_test, "unknown test '" + t.name + "'", t.position);
    return std::nullopt;
  }
  CompiledTest out;
  out.kind = *kind;
  out.name = t.name;
  out.position = t.position;
  if (out.kind == Kind::string_) need("variables", "string", t.position);
  if (out.kind == Kind::hasflag) need("imap4flags", "hasflag", t.position);
  if (out.kind == Kind::mailboxexists) need("mailbox", "mailboxexists", t.position);
  if (out.kind == Kind::body) need("body", "body", t.position);
  if (out.kind == Kind::duplicate) return validate_duplicate(*this, t, std::move(out));
  std::vector<const Argument*> args;
  if (!read_tags(*this, t, out, args)) return std::nullopt;
  auto bad = [&](std::string message) {
    error(DiagnosticKind::bad_arguments, t.name + ": " + std::move(message), t.position);
    return std::nullopt;
  };
  switch (out.kind) {
    case Kind::environment:
    case Kind::date:
    case Kind::currentdate:
    case Kind::spamtest:
    case Kind::virustest:
    case Kind::ihave:
    case Kind::valid_ext_list:
      return extension_test(t, std::move(out), args);
    case Kind::allof:
    case Kind::anyof:
      if (!args.empty() || !t.test_list) return bad("takes a test list '( ... )'");
      break;
    case Kind::not_:
      if (!args.empty() || t.test_list || t.tests.size() != 1) return bad("takes one test");
      break;
    case Kind::specialuse_exists:  // structure_test took it
      return out;
    case Kind::true_:
    case Kind::false_:
      if (!args.empty() || !t.tests.empty()) return bad("takes no arguments");
      return out;
    case Kind::size_over:
    case Kind::size_under:
      if (args.size() != 1 || args[0]->kind != Argument::Kind::number || !t.tests.empty())
        return bad("takes one number");
      out.size = args[0]->number;
      return out;
    case Kind::body:
    case Kind::mailboxexists:
    case Kind::exists: {
      // body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list> (RFC 5173 §4),
      // mailboxexists <mailbox-names> (RFC 5490 §3.1), exists <header-names>
      if (args.size() != 1 || !is_strings(args[0]) || !t.tests.empty()) {
        return bad(out.kind == Kind::body            ? "takes one list of keys"
                   : out.kind == Kind::mailboxexists ? "takes one string list of folder names"
                                                     : "takes one string list of header names");
      }
      if (!take_strings(out.kind == Kind::body ? out.keys : out.names, *args[0], out.expands)) {
        return std::nullopt;
      }
      if (out.kind != Kind::exists) return out;
      break;
    }
    case Kind::hasflag:
      // hasflag [MATCH-TYPE] [COMPARATOR] [<variable-list>] <list-of-flags>
      if (args.empty() || args.size() > 2 || !is_strings(args[0]) || !is_strings(args.back()) ||
          !t.tests.empty())
        return bad("takes [variable names] and a list of flags");
      if (args.size() == 2 && !required("variables")) {
        error(DiagnosticKind::missing_require, "hasflag: variable names need require 'variables'",
              args[0]->position);
        return std::nullopt;
      }
      if (args.size() == 2 && !take_strings(out.names, *args[0], out.expands)) return std::nullopt;
      if (!take_strings(out.keys, *args.back(), out.expands)) return std::nullopt;
      return out;
    case Kind::duplicate:  // validate_duplicate, above
    case Kind::valid_notify_method:
    case Kind::notify_method_capability:
      if (!validate_notify_test(*this, t, args, out)) return std::nullopt;
      return out;
    case Kind::address:
    case Kind::envelope:
    case Kind::header:
    case Kind::string_:
      if (args.size() != 2 || !is_strings(args[0]) || !is_strings(args[1]) || !t.tests.empty())
        return bad(out.kind == Kind::string_ ? "takes two string lists: sources and keys"
                                             : "takes two string lists: names and keys");
      if (!take_strings(out.names, *args[0], out.expands) ||
          !take_strings(out.keys, *args[1], out.expands)) {
        return std::nullopt;
      }
      break;
  }
  return finish_test(t, std::move(out));
}

std::optional<CompiledTest> Validator::finish_test(const Test& t, CompiledTest out) {
  if (!check_keys(t, out)) return std::nullopt;
  if (out.kind == Kind::envelope) {
    need("envelope", "envelope", t.position);
    for (auto& part : out.names) {
      for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (required("variables") && next_reference(part, 0)) continue;  // checked when run
      if (part != "from" && part != "to") {
        error(DiagnosticKind::bad_envelope_part, "envelope: unknown envelope part '" + part + "'",
              t.position);
        return std::nullopt;
      }
    }
  } else if (out.kind != Kind::string_) {
    for (const auto& name : out.names) {
      // RFC 5229 §3: a name built from variables is known only when run.
      if (required("variables") && next_reference(name, 0)) continue;
      // §2.4.2.2: "no header will match a syntactically invalid header
      // name. An implementation MUST NOT cause an error for syntactically
      // invalid header names in tests." A warning, as Pigeonhole gives.
      if (!valid_field_name(name)) {
        warn(DiagnosticKind::bad_header_name,
             t.name + ": '" + name + "' is not a header name, it never matches", t.position);
        continue;
      }
      if (out.kind == Kind::address && !address_field(name)) {
        error(DiagnosticKind::bad_header_name,
              "address: '" + name + "' is not a header that holds addresses (RFC 5228 §5.1)",
              t.position);
        return std::nullopt;
      }
    }
  }
  for (const auto& sub : t.tests) {
    auto compiled = test(sub);
    if (!compiled) return std::nullopt;
    out.tests.push_back(std::move(*compiled));
  }
  return out;
}

}  // namespace mailroom::sieve
