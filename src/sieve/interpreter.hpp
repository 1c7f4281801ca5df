// The interpreter's state for one run: the actions so far, the implicit
// keep (§2.10.2), the step counter and the first run-time error.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mailroom/message/header.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve {

class RegexCache;

class Interpreter {
 public:
  Interpreter(const message::Message& message, const Envelope& envelope, const RunOptions& options)
      : message_(message), envelope_(envelope), limits_(options.limits), options_(options) {
    regexes_ = options.regex_cache;
  }

  // Runs `commands`; false when the script stopped (stop or an error).
  bool run(const std::vector<CompiledCommand>& commands);
  Outcome finish();
  // RFC 5229: strings are expanded and :matches sets ${0}...${32}.
  void enable_variables() { variables_ = true; }
  void enable_flags() { flags_enabled_ = true; }
  // RFC 5293: edits replace `*editable`, the message this interpreter reads.
  void allow_edits(message::Message* editable) { editable_ = editable; }

  // evaluate_test.cpp
  bool evaluate(const CompiledTest& test);

 private:
  bool step(Position at);  // counts one step; false once over the limit
  void fail(std::string message, Position at);
  void add(Action action);
  bool conflicts(const Action& action);
  bool execute(const CompiledCommand& command);

  // A visitor returns true to stop; a source calls it once per value.
  using ValueVisitor = std::function<bool(std::string_view)>;
  using ValueSource = std::function<void(const ValueVisitor&)>;
  bool match_values(const CompiledTest& test, const ValueSource& values);
  bool header_test(const CompiledTest& test);
  bool address_test(const CompiledTest& test);
  bool envelope_test(const CompiledTest& test);
  bool exists_test(const CompiledTest& test);
  bool string_test(const CompiledTest& test);
  bool evaluate_kind(const CompiledTest& test);

  // RFC 5229 §3: every "${name}" and "${N}" replaced by its value.
  std::string expand(std::string_view text) const;
  CompiledTest expanded(const CompiledTest& test) const;
  void set_variable(const CompiledCommand& command);
  // RFC 5232: the imap4flags commands, and the flags an action stores.
  void change_flags(const CompiledCommand& command);
  std::vector<std::string> flags_for(const CompiledCommand& command) const;
  bool hasflag_test(const CompiledTest& test);
  bool mailboxexists_test(const CompiledTest& test);
  bool body_test(const CompiledTest& test);
  // trace.cpp: `sieve test --trace`, only when options_.trace is set.
  bool traced_evaluate(const CompiledTest& test);
  void trace_test(const CompiledTest& test, bool result);
  void trace_command(const CompiledCommand& command);
  void trace_value(std::string_view value, bool matched);
  // vacation.cpp, enotify.cpp, duplicate.cpp (RFC 5230, 5435, 7352, 8580)
  void vacation(const CompiledCommand& command);
  void notify(const CompiledCommand& command);
  std::optional<Fcc> expanded_fcc(const CompiledCommand& command);
  // `text` of `command`, its variables expanded when it has any (RFC 5229).
  std::string expanded_string(const CompiledCommand& command, const std::string& text) const;
  bool notify_test(const CompiledTest& test);
  bool duplicate_test(const CompiledTest& test);
  // The structure extensions (special_use.cpp, editheader.cpp, include.cpp).
  bool structure(const CompiledCommand& command);  // false: the script ends here
  bool special_use_target(const CompiledCommand& command, Action& action);
  bool specialuse_exists_test(const CompiledTest& test);
  bool edit_header(const CompiledCommand& command);
  bool include_script(const CompiledCommand& command);
  bool run_included(const Program& program, const std::string& key);
  void declare_globals(const CompiledCommand& command);
  std::string_view global_value(std::string_view name) const;
  bool set_global(std::string_view name, const std::string& value);
  bool for_every_part(const CompiledCommand& command);
  void extract_text(const CompiledCommand& command);
  bool mime_test(const CompiledTest& test);
  bool mime_test_on(const CompiledTest& test, const message::Part& part);
  // evaluate_extensions.cpp: environment, date, currentdate, spamtest,
  // virustest, valid_ext_list; the :regex and :list match types; the
  // fields :index picks (RFC 5260 §6).
  bool extension_test(const CompiledTest& test);
  bool extension_match(const CompiledTest& test, const ValueSource& values);
  bool date_test(const CompiledTest& test);
  std::vector<const message::HeaderField*> fields(const CompiledTest& test,
                                                  std::string_view name) const;
  const std::vector<std::string>* list(std::string_view name, Position at);
  void redirect_to_list(const CompiledCommand& command, const std::string& name);
  // A :matches key that matched `value`: keeps its match variables.
  void remember_match(const CompiledTest& test, std::string_view value, std::string_view key);
  // Per-run caches (message_cache.cpp): a field decoded (RFC 2047) or its
  // addresses parsed once, a part's text once, however many tests read them.
  std::string_view decoded(const message::HeaderField& field);
  const std::vector<message::Address>& addresses(const message::HeaderField& field);
  std::string_view part_text(const message::Part& part);

  const message::Message& message_;
  const Envelope& envelope_;
  const RunLimits& limits_;
  const RunOptions& options_;
  std::vector<Action> actions_;
  bool implicit_keep_ = true;
  std::size_t steps_ = 0;
  std::size_t redirects_ = 0;
  std::optional<Diagnostic> error_;
  bool variables_ = false;
  std::unordered_map<std::string, std::string> values_;  // by lower-cased name
  std::vector<std::string> match_;                       // ${0}, ${1}, ...
  bool flags_enabled_ = false;
  std::string internal_flags_;  // RFC 5232 §3: the internal variable
  // Tracing: the test depth, why the current test came out as it did, the
  // field or part its values come from, and how many were compared.
  std::size_t trace_depth_ = 0;
  std::string trace_why_;
  std::string_view trace_source_;
  std::size_t trace_values_ = 0;
  std::vector<std::pair<std::string, bool>> duplicate_answers_;  // RFC 7352 §3: this run's
  std::vector<DuplicateMark> duplicate_marks_;                   // ids to record if delivered
  // RFC 5293 editheader
  message::Message* editable_ = nullptr;
  std::vector<HeaderEdit> edits_;
  bool edited_ = false;
  // RFC 6609 include
  bool returning_ = false;                  // `return` ends the current script only
  std::vector<std::string> include_stack_;  // the scripts being included, innermost last
  std::vector<std::string> included_;       // every script included so far (:once)
  std::size_t includes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const Program>> programs_;
  std::unordered_map<std::string, std::string> globals_;  // RFC 6609 §3.3
  std::vector<std::string> global_names_;                 // declared global by the running script
  // RFC 5703 foreverypart
  std::size_t current_part_ = 0;  // index in message_.parts(); 0: the message
  bool in_loop_ = false;          // a foreverypart is running
  bool breaking_ = false;         // `break` is unwinding to its loop
  std::string break_name_;        // its :name, "" for the innermost loop
  struct FieldCache {
    std::optional<std::string> decoded;
  };
  std::vector<FieldCache> fields_;                      // by index in message_.headers()
  std::vector<std::optional<std::string>> part_texts_;  // by index in message_.parts()
  std::string scratch_;                                 // an uncached value, until the next one
  std::vector<message::Address> scratch_addresses_;
  std::shared_ptr<RegexCache> regexes_;  // compiled on first use
  std::unordered_map<std::string, std::optional<std::vector<std::string>>> lists_;
};

}  // namespace mailroom::sieve
