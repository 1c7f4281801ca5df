// RuleTable: rules/spam-rules.toml read with toml++ (exceptions off, as in
// util/config.cpp: a bad file is a value with its line, never a throw).
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>
#include <algorithm>

#include "mailroom/spam/rules.hpp"
#include "mailroom/util/file.hpp"
#include "spam/rules_text.hpp"

namespace mailroom::spam {
namespace {

Status apply(std::vector<RuleEntry>& entries, std::string_view text, std::string_view source) {
  auto parsed = toml::parse(text, source);
  std::string where(source);
  if (!parsed)
    return fail(ErrorKind::config, where + ":" +
                                       std::to_string(parsed.error().source().begin.line) + ": " +
                                       std::string(parsed.error().description()));
  for (auto&& [key, node] : parsed.table()) {
    std::string name(key.str());
    std::string at = where + ":";
    at.append(std::to_string(node.source().begin.line)).append(": ").append(name);
    const auto& known = known_symbols();
    const auto* table = node.as_table();
    if (std::find(known.begin(), known.end(), name) == known.end() || table == nullptr)
      return fail(ErrorKind::config, at + ": not a known symbol ([SYMBOL] with weight, reason)");
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const RuleEntry& e) { return e.name == name; });
    if (it == entries.end()) it = entries.insert(entries.end(), RuleEntry{name, 0.0, {}});
    for (auto&& [field, value] : *table) {
      if (field.str() == "weight" && value.is_number()) {
        it->weight = value.value<double>().value_or(0.0);
      } else if (field.str() == "reason" && value.is_string()) {
        it->reason = *value.value<std::string>();
      } else {
        return fail(ErrorKind::config, at + "." + std::string(field.str()) +
                                           ": expected weight = <number> or reason = \"...\"");
      }
    }
  }
  return ok();
}

}  // namespace

const RuleTable& RuleTable::built_in() {
  static const RuleTable table = [] {
    RuleTable t;
    t.entries_.reserve(detail::kBuiltInEntryCount);  // built in every delivery: no regrowing
    for (std::size_t i = 0; i < detail::kBuiltInEntryCount; ++i) {
      const auto& e = detail::kBuiltInEntries[i];
      t.entries_.push_back(RuleEntry{e.name, e.weight, e.reason});
    }
    return t;
  }();
  return table;
}

std::string_view RuleTable::built_in_text() noexcept { return detail::kBuiltInRules; }

Result<RuleTable> RuleTable::parse(std::string_view text, std::string_view source) {
  RuleTable table;
  if (auto applied = apply(table.entries_, text, source); !applied)
    return tl::unexpected(applied.error());
  return table;
}

Result<RuleTable> RuleTable::with_overrides(std::string_view text, std::string_view source) const {
  RuleTable table = *this;
  if (auto applied = apply(table.entries_, text, source); !applied)
    return tl::unexpected(applied.error());
  return table;
}

Result<RuleTable> load_rule_table(const std::string& path) {
  if (path.empty()) return RuleTable::built_in();
  constexpr std::size_t kMaxRulesFile = std::size_t{1} << 20;
  auto text = read_whole_file(path, kMaxRulesFile, ErrorKind::config);
  if (!text) return tl::unexpected(text.error());
  return RuleTable::built_in().with_overrides(*text, path);
}

const RuleEntry* RuleTable::find(std::string_view name) const noexcept {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

const std::vector<std::string_view>& known_symbols() {
  static const std::vector<std::string_view> names = {
      "SPF_FAIL",
      "SPF_SOFTFAIL",
      "DKIM_FAIL",
      "DMARC_REJECT",
      "DMARC_QUARANTINE",
      "DMARC_FAIL_NONE",
      "ARC_FAIL",
      "FROM_UNAUTHENTICATED",
      "MISSING_MID",
      "INVALID_MID",
      "MISSING_DATE",
      "INVALID_DATE",
      "DATE_IN_FUTURE",
      "DATE_IN_PAST",
      "FROM_MISSING",
      "FROM_DISPLAY_MISMATCH",
      "MANY_RECIPIENTS",
      "SUBJ_MISSING",
      "SUBJ_ALL_CAPS",
      "HTML_ONLY",
      "EMPTY_BODY",
      "URL_IP_HOST",
      "URL_TEXT_HOST_MISMATCH",
      "URL_SHORTENER",
      "ATTACH_EXECUTABLE",
      "ALLOW_LISTED",
      "BLOCK_LISTED",
      "BAYES_00",
      "BAYES_05",
      "BAYES_20",
      "BAYES_50",
      "BAYES_80",
      "BAYES_95",
      "BAYES_99",
  };
  return names;
}

}  // namespace mailroom::spam
