// The validator's shared state: what `require` declared and the errors found
// so far. validate.cpp checks commands, validate_test.cpp tests and tags.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/sieve/ast.hpp"
#include "mailroom/sieve/parse.hpp"
#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve {

class Validator {
 public:
  explicit Validator(const Limits& limits = {}) : limits_(limits) {}

  void error(DiagnosticKind kind, std::string message, Position at) {
    errors_.push_back(Diagnostic{kind, std::move(message), at});
  }
  void warn(DiagnosticKind kind, std::string message, Position at) {
    warnings_.push_back(Diagnostic{kind, std::move(message), at});
  }
  // Every syntax line of RFC 5228 puts the tags before the positional
  // arguments, and Pigeonhole refuses a tag after them: so do we.
  bool tag_after_positional(const std::string& name, const Argument& tag) {
    error(DiagnosticKind::bad_arguments,
          name + ": tag :" + tag.tag + " after the positional arguments", tag.position);
    return false;
  }
  // RFC 5228 §2.4.2.4: with require "encoded-character", "${hex:..}" and
  // "${unicode:..}" in the strings are decoded; false after an error.
  bool decode(std::string& value, Position at);
  bool decode(std::vector<std::string>& values, Position at);
  // `argument`'s strings decoded into `into`; `expands` set when one holds
  // a variable reference (RFC 5229 §3). False after an error.
  bool take_strings(std::vector<std::string>& into, const Argument& argument, bool& expands);
  [[nodiscard]] bool required(std::string_view capability) const;
  // An error unless `capability` was required (§3.2).
  void need(std::string_view capability, std::string_view what, Position at);
  void add_capability(std::string capability) { capabilities_.push_back(std::move(capability)); }

  std::optional<CompiledTest> test(const Test& test);
  std::optional<CompiledTest> finish_test(const Test& test, CompiledTest compiled);
  std::vector<CompiledCommand> commands(const std::vector<Command>& commands, bool top_level);

  // validate_extensions.cpp: a tag of index, date, spamtestplus (nullopt
  // when it is none of theirs for this test, false after an error); the
  // checks once tags and keys are read; the tests and commands.
  std::optional<bool> extension_tag(const Test& test, const std::vector<Argument>& args,
                                    std::size_t& i, CompiledTest& out);
  bool check_extension_tags(const Test& test, const CompiledTest& out);
  bool check_keys(const Test& test, const CompiledTest& out);
  std::optional<CompiledTest> extension_test(const Test& test, CompiledTest out,
                                             const std::vector<const Argument*>& args);
  std::optional<CompiledCommand> error_command(const Command& command);
  [[nodiscard]] bool never_true(const Test& test) const;

  [[nodiscard]] std::vector<Diagnostic>& errors() { return errors_; }
  [[nodiscard]] std::vector<Diagnostic>& warnings() { return warnings_; }
  [[nodiscard]] const std::vector<std::string>& capabilities() const { return capabilities_; }

 private:
  std::optional<CompiledCommand> command(const Command& command);
  std::optional<CompiledCommand> set_command(const Command& command);
  std::optional<CompiledCommand> flag_command(const Command& command);
  bool action_tags(const Command& command, CompiledCommand& out,
                   std::vector<const Argument*>& args);
  bool decode_flags(CompiledCommand& out, Position at);
  bool settable_variable(std::string& name, std::string_view command, Position at);
  void require(const Command& command);
  // RFC 5229 §3: "${ns.name}" in a string is an error (no namespace is
  // supported); marks strings holding a reference for run-time expansion.
  bool check_references(std::string_view value, Position at);
  // RFC 6609 §3.5: "global" is a namespace once "include" is required.
  [[nodiscard]] bool global_namespace(std::string_view ns) const {
    return required("include") && ns.size() == 6 &&
           std::equal(ns.begin(), ns.end(), "global", [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  }

  std::vector<std::string> capabilities_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
  Limits limits_;
  std::vector<std::string> variable_names_;  // distinct names set (RFC 5229)

 public:
  // Whether a string decoded since the last reset holds a reference.
  bool saw_reference = false;
  // RFC 5703 §3: the foreverypart loops around the commands being checked
  // (their :name, "" when unnamed), innermost last.
  std::vector<std::string> loops;
};

// The positional arguments of a command or test, after its tags.
std::vector<const Argument*> positional(const std::vector<Argument>& arguments);
// A string or a string list.
bool is_strings(const Argument* argument);

}  // namespace mailroom::sieve
