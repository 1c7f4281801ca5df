// The built-in rule table, generated from rules/spam-rules.toml at build
// time (src/spam/CMakeLists.txt, rules_text.cpp.in).
#pragma once

#include <cstddef>
#include <string_view>

namespace mailroom::spam::detail {

struct BuiltInRule {
  const char* name;
  double weight;
  const char* reason;
};

extern const std::string_view kBuiltInRules;  // the file's text
extern const BuiltInRule kBuiltInEntries[];   // its entries, in order
extern const std::size_t kBuiltInEntryCount;

}  // namespace mailroom::spam::detail
