// The tests of environment (RFC 5183), date (RFC 5260), spamtest and
// virustest (RFC 5235), extlists (RFC 6134); the :regex and :list match
// types; :index (RFC 5260 §6).
#include <ctime>
#include <string>

#include "mailroom/message/date_time.hpp"
#include "sieve/date_parts.hpp"
#include "sieve/extlists.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/match.hpp"
#include "sieve/regex.hpp"
#include "sieve/strings.hpp"
#include "sieve/variables.hpp"

#ifndef MAILROOM_VERSION
#define MAILROOM_VERSION "0.1.0"
#endif

namespace mailroom::sieve {
namespace {

using Kind = CompiledTest::Kind;

std::string lowered(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// RFC 5183 §4 items; nullopt for one that does not exist here.
std::optional<std::string> environment_item(const RunOptions& options, std::string_view name) {
  const auto& items = options.environment;
  auto given = [](const std::string& value) {
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
  };
  if (name == "domain") return given(items.domain);
  if (name == "host") return given(items.host);
  if (name == "location") return "MDA";   // §4: we deliver, as an MDA
  if (name == "name") return "mailroom";  // §4: the product name
  if (name == "phase") return "during";   // §4: while the message is delivered
  if (name == "version") return MAILROOM_VERSION;
  if (name == "remote-host") return given(items.remote_host);
  if (name == "remote-ip") return given(items.remote_ip);
  return std::nullopt;
}

// The system's zone at `when`, in minutes east of UTC.
int system_zone(std::int64_t when) {
  auto t = static_cast<std::time_t>(when);
  std::tm tm{};
  if (::localtime_r(&t, &tm) == nullptr) return 0;
  return static_cast<int>(tm.tm_gmtoff / 60);
}

}  // namespace

std::vector<const message::HeaderField*> Interpreter::fields(const CompiledTest& t,
                                                             std::string_view name) const {
  auto all = message_.find_all(name);
  if (t.index == 0) return all;
  if (t.index > all.size()) return {};  // §6: no such field, nothing matches
  std::size_t at = t.last ? all.size() - t.index : t.index - 1;
  return {all[at]};
}

const std::vector<std::string>* Interpreter::list(std::string_view name, Position at) {
  auto found = lists_.find(std::string(name));
  if (found == lists_.end())
    found = lists_.emplace(std::string(name), read_list(options_.lists_dir, name)).first;
  if (!found->second) {
    // A script can ask first with valid_ext_list (RFC 6134 §2.5).
    fail("extlists: no list '" + std::string(name) + "'", at);
    return nullptr;
  }
  return &*found->second;
}

// RFC 6134 §2.7 redirect :list: one redirect to each address of the list
// (each counts against the redirect limit); an entry that is not an
// address is a run-time error, as a redirect address built from variables.
void Interpreter::redirect_to_list(const CompiledCommand& c, const std::string& name) {
  const auto* entries = list(name, c.position);
  if (entries == nullptr) return;
  if (!c.copy) implicit_keep_ = false;
  for (const auto& address : *entries) {
    if (!valid_redirect_address(address)) {
      std::string why = "redirect :list: '";
      why.append(address).append("' of '").append(name).append("' is not an address");
      fail(std::move(why), c.position);
      return;
    }
    Action redirect;
    redirect.kind = ActionKind::redirect;
    redirect.target = address;
    redirect.copy = c.copy;
    redirect.position = c.position;
    add(std::move(redirect));
    if (error_) return;
  }
}

bool Interpreter::date_test(const CompiledTest& t) {
  std::string part = t.expands ? lowered(t.date_part) : t.date_part;
  if (!valid_date_part(part)) return false;  // warned when compiled
  // §4.1, §5: without :zone (or with one that is not a zone, warned when
  // compiled), the local zone: the injected clock's, if any.
  std::optional<int> zone = t.zone.empty() ? std::nullopt : parse_zone(t.zone);
  auto local = [&](std::int64_t when) {
    return options_.now ? options_.now->zone_minutes : system_zone(when);
  };
  return match_values(t, [&](const ValueVisitor& visit) {
    if (t.kind == Kind::currentdate) {
      std::int64_t now = options_.now ? options_.now->unix_time : std::time(nullptr);
      visit(*date_part(part, now, zone.value_or(local(now))));
      return;
    }
    std::string name = lowered(t.names.front());
    for (const auto* field : fields(t, name)) {
      std::string_view value = field->value;
      // §4.1: in Received, the date-time follows the last ";".
      if (name == "received") {
        auto semicolon = value.rfind(';');
        if (semicolon == std::string_view::npos) continue;
        value.remove_prefix(semicolon + 1);
      }
      auto when = message::parse_date_time(value);
      if (!when) continue;  // §4.1: a field without a valid date never matches
      std::int64_t moment = when->unix_time();
      int shown = t.original_zone ? when->zone_minutes : zone.value_or(local(moment));
      if (visit(*date_part(part, moment, shown))) return;
    }
  });
}

bool Interpreter::extension_test(const CompiledTest& t) {
  switch (t.kind) {
    case Kind::environment: {
      // RFC 5183 §4 gives names no case rule: as written, as Pigeonhole.
      auto value = environment_item(options_, t.names.front());
      if (!value) return false;  // an item we do not have never matches
      return match_values(t, [&](const ValueVisitor& visit) { visit(*value); });
    }
    case Kind::date:
    case Kind::currentdate:
      return date_test(t);
    case Kind::spamtest:
    case Kind::virustest: {
      // RFC 5235 §3: "0" when the message was not tested.
      const auto& verdict = t.kind == Kind::spamtest ? options_.spam : options_.virus;
      std::string value = verdict ? std::to_string(t.percent ? verdict->percent : verdict->level)
                                  : std::string("0");
      return match_values(t, [&](const ValueVisitor& visit) { visit(value); });
    }
    case Kind::valid_ext_list:
      for (const auto& name : t.names) {
        if (!read_list(options_.lists_dir, name)) return false;
      }
      return true;
    default:
      return false;  // ihave was decided when compiled
  }
}

// :regex (regex draft §3: a key matches when the pattern matches somewhere
// in the value; ${0}.. the match and its groups) and :list (RFC 6134
// §2.4: the value equals an entry of the list, by the comparator).
bool Interpreter::extension_match(const CompiledTest& t, const ValueSource& values) {
  bool found = false;
  values([&](std::string_view value) {
    for (const auto& key : t.keys) {
      if (!step(t.position)) return true;
      if (t.match == MatchType::list) {
        const auto* entries = list(key, t.position);
        if (entries == nullptr) return true;
        for (const auto& entry : *entries) {
          if (matches(t.comparator, MatchType::is, t.relation, value, entry)) return found = true;
        }
        continue;
      }
      if (!regexes_) regexes_ = std::make_shared<RegexCache>();
      std::vector<std::string> captures;
      std::string problem;
      auto hit =
          regexes_->search(key, t.comparator, value, variables_ ? &captures : nullptr, problem);
      // A pattern built from variables that does not compile never
      // matches (as Pigeonhole); a constant one was refused when compiled.
      if (!hit || !*hit) continue;
      if (variables_) {
        if (captures.size() > kMaxMatchIndex + 1) captures.resize(kMaxMatchIndex + 1);
        for (auto& c : captures) truncate_utf8(c, limits_.max_variable_size);
        match_ = std::move(captures);
      }
      return found = true;
    }
    return false;
  });
  return found && !error_;
}

}  // namespace mailroom::sieve
