// Tracing a Sieve run for `mailroom sieve test --trace`: which test was
// evaluated, with what result and why, and which commands ran. The hook
// sits in the interpreter's dispatchers (every test goes through
// Interpreter::evaluate, every command through Interpreter::run), so a new
// test or command is traced without code of its own. Unset, it costs one
// test of an empty std::function per test and command.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "mailroom/sieve/diagnostic.hpp"

namespace mailroom::sieve {

struct TraceEntry {
  enum class Kind { test, command };
  Kind kind = Kind::test;
  std::string name;       // "header", "allof", "fileinto", as written (lower case)
  std::string arguments;  // the compiled arguments, as Sieve: `:contains "subject" "meeting"`
  Position position;
  // A test inside allof/anyof/not is one deeper than its parent. Tests are
  // reported when their result is known, so children come before their
  // parent; order_trace() puts parents first.
  std::size_t depth = 0;
  bool result = true;  // tests: the result; commands: true
  // Tests: why, in a few words: the value that matched (`Subject: "Team
  // meeting"`), or how many values none of the keys matched.
  std::string why;
};

using TraceSink = std::function<void(const TraceEntry&)>;

// The entries with every test before the tests inside it (depth first, in
// script order), for reading top-down.
std::vector<TraceEntry> order_trace(std::vector<TraceEntry> entries);

// `line 3: header :contains "subject" "meeting" -> true (Subject: "Team
// meeting")`; commands `line 4: fileinto "Work"`; indented by depth.
std::string describe(const TraceEntry& entry);

// [{"type":"test","name":...,"arguments":...,"line":N,"column":N,
// "depth":N,"result":true,"why":"..."},{"type":"command",...}]
std::string trace_to_json(const std::vector<TraceEntry>& entries);

}  // namespace mailroom::sieve
