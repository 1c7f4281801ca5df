// Validation of the tests and tags of environment (RFC 5183), date and
// index (RFC 5260), spamtest/spamtestplus/virustest (RFC 5235), ihave and
// error (RFC 5463), regex (draft-murchison-sieve-regex-08), extlists
// (RFC 6134) and i;unicode-casemap (RFC 5051).
#include <algorithm>

#include "mailroom/sieve/compile.hpp"
#include "sieve/date_parts.hpp"
#include "sieve/extlists.hpp"
#include "sieve/regex.hpp"
#include "sieve/validator.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

using Kind = CompiledTest::Kind;

bool constant(const Validator& v, std::string_view text) {
  return !v.required("variables") || !next_reference(text, 0);
}

}  // namespace

std::optional<bool> Validator::extension_tag(const Test& t, const std::vector<Argument>& args,
                                             std::size_t& i, CompiledTest& out) {
  const Argument& a = args[i];
  auto dup = [&](std::string_view what) {
    error(DiagnosticKind::duplicate_tag, t.name + ": " + std::string(what) + " given twice",
          a.position);
    return false;
  };
  bool fields = out.kind == Kind::header || out.kind == Kind::address || out.kind == Kind::date;
  if (fields && a.tag == "index") {
    // RFC 5260 §6: ":index" <fieldno: number>, 1 the first field.
    need("index", ":index", a.position);
    if (out.index != 0) return dup(":index");
    if (i + 1 >= args.size() || args[i + 1].kind != Argument::Kind::number) {
      error(DiagnosticKind::bad_arguments, t.name + ": :index needs a number", a.position);
      return false;
    }
    out.index = args[++i].number;
    if (out.index == 0) {
      error(DiagnosticKind::bad_arguments, t.name + ": :index counts from 1 (RFC 5260 §6)",
            args[i].position);
      return false;
    }
    return true;
  }
  if (fields && a.tag == "last") {
    need("index", ":last", a.position);
    if (out.last) return dup(":last");
    out.last = true;
    return true;
  }
  bool dated = out.kind == Kind::date || out.kind == Kind::currentdate;
  if (dated && (a.tag == "zone" || a.tag == "originalzone")) {
    // RFC 5260 §4.1: one of :zone <time-zone: string> and :originalzone;
    // currentdate takes only :zone (§5).
    if (!out.zone.empty() || out.original_zone) return dup("a zone");
    if (a.tag == "originalzone") {
      if (out.kind == Kind::currentdate) return std::nullopt;
      out.original_zone = true;
      return true;
    }
    if (i + 1 >= args.size() || args[i + 1].kind != Argument::Kind::string) {
      error(DiagnosticKind::bad_arguments, t.name + ": :zone needs a string", a.position);
      return false;
    }
    out.zone = args[++i].strings.front();
    if (!decode(out.zone, args[i].position)) return false;
    // RFC 5260 §4.1 names the RFC 5322 zone, ("+" / "-") 4DIGIT; another
    // one is a warning and the local zone is used, as Pigeonhole does.
    if (constant(*this, out.zone) && !parse_zone(out.zone)) {
      warn(DiagnosticKind::bad_zone,
           t.name + ": :zone '" + out.zone + "' is not +hhmm or -hhmm; the local zone is used",
           args[i].position);
    }
    return true;
  }
  if (out.kind == Kind::spamtest && a.tag == "percent") {
    // RFC 5235 §3.2: :percent comes with spamtestplus.
    need("spamtestplus", ":percent", a.position);
    if (out.percent) return dup(":percent");
    out.percent = true;
    return true;
  }
  return std::nullopt;
}

// Checks across the tags and keys of a test, once they are all read:
// :last needs :index, regex keys compile, i;ascii-numeric cannot :regex.
bool Validator::check_extension_tags(const Test& t, const CompiledTest& out) {
  if (out.last && out.index == 0) {
    error(DiagnosticKind::bad_arguments, t.name + ": :last needs :index (RFC 5260 §6)", t.position);
    return false;
  }
  if ((out.match == MatchType::regex || out.match == MatchType::list) &&
      out.comparator == Comparator::ascii_numeric) {
    error(DiagnosticKind::unsupported_match_type,
          t.name + ": comparator i;ascii-numeric does not support :regex or :list", t.position);
    return false;
  }
  return true;
}

// The keys, once read: a constant regex must compile (regex draft §3), a
// constant list name must be one we can look up (RFC 6134 §2.3).
bool Validator::check_keys(const Test& t, const CompiledTest& out) {
  if (out.match != MatchType::regex && out.match != MatchType::list) return true;
  auto args = positional(t.arguments);
  Position at = args.empty() ? t.position : args.back()->position;
  for (const auto& key : out.keys) {
    if (!constant(*this, key)) continue;
    if (out.match == MatchType::list) {
      if (!list_file_name(key)) {
        error(DiagnosticKind::unknown_list,
              t.name + ": '" + key + "' is not a list name (\"tag:NAME\", RFC 6134 §2.3)", at);
        return false;
      }
      continue;
    }
    if (auto problem = regex_problem(key, out.comparator)) {
      error(DiagnosticKind::bad_regex, t.name + ": bad regex '" + key + "': " + *problem, at);
      return false;
    }
  }
  return true;
}

std::optional<CompiledTest> Validator::extension_test(const Test& t, CompiledTest out,
                                                      const std::vector<const Argument*>& args) {
  auto bad = [&](std::string message) {
    error(DiagnosticKind::bad_arguments, t.name + ": " + std::move(message), t.position);
    return std::nullopt;
  };
  if (!t.tests.empty()) return bad("takes no test");
  switch (out.kind) {
    case Kind::environment:
      // environment <name: string> <key-list> (RFC 5183 §4)
      need("environment", "environment", t.position);
      if (args.size() != 2 || args[0]->kind != Argument::Kind::string || !is_strings(args[1]))
        return bad("takes a string, the item, and the keys");
      break;
    case Kind::date:
      // date <header-name: string> <date-part: string> <key-list> (RFC 5260 §4)
      need("date", "date", t.position);
      if (args.size() != 3 || args[0]->kind != Argument::Kind::string ||
          args[1]->kind != Argument::Kind::string || !is_strings(args[2]))
        return bad("takes the header name, the date-part and the keys");
      break;
    case Kind::currentdate:
      // currentdate <date-part: string> <key-list> (RFC 5260 §5)
      need("date", "currentdate", t.position);
      if (args.size() != 2 || args[0]->kind != Argument::Kind::string || !is_strings(args[1]))
        return bad("takes the date-part and the keys");
      break;
    case Kind::spamtest:
    case Kind::virustest:
      // spamtest / virustest [:percent] [COMPARATOR] [MATCH-TYPE] <value: string> (RFC 5235 §3)
      if (out.kind == Kind::virustest) {
        need("virustest", "virustest", t.position);
      } else if (!required("spamtest") && !required("spamtestplus")) {
        need("spamtest", "spamtest", t.position);
      }
      if (args.size() != 1 || args[0]->kind != Argument::Kind::string)
        return bad("takes one string, the value");
      if (!take_strings(out.keys, *args[0], out.expands)) return std::nullopt;
      return out;
    case Kind::ihave:
      // ihave <capabilities: string-list> (RFC 5463 §4): taken as written.
      need("ihave", "ihave", t.position);
      if (args.size() != 1 || !is_strings(args[0]) || args.size() != t.arguments.size())
        return bad("takes one string list, the capabilities");
      out.names = args[0]->strings;
      for (const auto& name : out.names) {
        const auto& known = supported_capabilities();
        if (std::find(known.begin(), known.end(), name) == known.end()) {
          out.kind = Kind::false_;  // §4: false; its block is never checked
          return out;
        }
      }
      // §4: what ihave finds may be used from here on, as if required.
      for (const auto& name : out.names)
        if (!required(name)) add_capability(name);
      out.kind = Kind::true_;
      return out;
    case Kind::valid_ext_list:
      // valid_ext_list <ext-list-names: string-list> (RFC 6134 §2.5)
      need("extlists", "valid_ext_list", t.position);
      if (args.size() != 1 || !is_strings(args[0]) || args.size() != t.arguments.size())
        return bad("takes one string list, the list names");
      if (!take_strings(out.names, *args[0], out.expands)) return std::nullopt;
      return out;
    default:
      return bad("is not an extension test");
  }
  // environment, date, currentdate: the leading strings, then the keys.
  if (out.kind != Kind::currentdate && !take_strings(out.names, *args[0], out.expands))
    return std::nullopt;
  const Argument* part = out.kind == Kind::date          ? args[1]
                         : out.kind == Kind::currentdate ? args[0]
                                                         : nullptr;
  if (part != nullptr) {
    out.date_part = part->strings.front();
    if (!decode(out.date_part, part->position)) return std::nullopt;
    for (char& c : out.date_part)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // RFC 5260 §4.2 lists the date-parts; another one never matches (a
    // warning, as Pigeonhole gives).
    if (constant(*this, out.date_part) && !valid_date_part(out.date_part)) {
      warn(DiagnosticKind::bad_date_part,
           t.name + ": unknown date-part '" + out.date_part + "'; the test is false",
           part->position);
    }
    if (!constant(*this, out.date_part)) out.expands = true;
  }
  if (!take_strings(out.keys, *args.back(), out.expands)) return std::nullopt;
  if (!check_keys(t, out)) return std::nullopt;
  return out;
}

// error <message: string> (RFC 5463 §5): ends the script with an error.
std::optional<CompiledCommand> Validator::error_command(const Command& c) {
  CompiledCommand out;
  out.kind = CompiledCommand::Kind::error;
  out.position = c.position;
  need("ihave", "error", c.position);
  auto args = positional(c.arguments);
  if (args.size() != 1 || args.size() != c.arguments.size() ||
      args[0]->kind != Argument::Kind::string || !c.tests.empty() || c.has_block) {
    error(DiagnosticKind::bad_arguments, "error: takes one string, the message", c.position);
    return std::nullopt;
  }
  out.target = args[0]->strings.front();
  saw_reference = false;
  if (!decode(out.target, args[0]->position)) return std::nullopt;
  out.expands = saw_reference;
  return out;
}

// RFC 5463 §4: a block whose test asks for an extension we lack cannot
// run, so it is not checked (the script stays portable). allof is false
// as soon as one of its tests is.
bool Validator::never_true(const Test& t) const {
  if (t.name == "ihave") {
    if (!required("ihave")) return false;
    for (const auto& a : t.arguments) {
      for (const auto& name : a.strings) {
        const auto& known = supported_capabilities();
        if (std::find(known.begin(), known.end(), name) == known.end()) return true;
      }
    }
    return false;
  }
  if (t.name == "allof") {
    return std::any_of(t.tests.begin(), t.tests.end(),
                       [&](const Test& s) { return never_true(s); });
  }
  return false;
}

}  // namespace mailroom::sieve
