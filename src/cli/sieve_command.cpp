// `mailroom sieve check FILE...` and `mailroom sieve test ... SCRIPT
// MESSAGE`: the Sieve engine (src/sieve) for a person or a test harness.
// `test --dir`: sieve_cases.cpp; `filter`: sieve_filter.cpp;
// `from-procmail`: sieve_procmail.cpp.
// check: exit 0 only if every file compiles, 1 otherwise, 2 if a file
// cannot be read. test: exit 0 when the script ran cleanly, 1 after a
// compile or run-time error (the implicit keep is still printed), 2 when a
// file cannot be read; 64 for a bad command line.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/sieve_run_options.hpp"
#include "cli/sieve_tools.hpp"
#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "mailroom/sieve/outgoing.hpp"
#include "mailroom/sieve/report.hpp"
#include "mailroom/sieve/trace.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/host.hpp"

namespace mailroom::cli {

void print_sieve_diagnostic(const std::string& file, const sieve::Diagnostic& d,
                            const char* severity) {
  std::printf("%s:%zu:%zu: %s: %s [%s]\n", file.c_str(), d.position.line, d.position.column,
              severity, d.message.c_str(), std::string(sieve::to_string(d.kind)).c_str());
}

std::optional<LoadedScript> load_script(const std::string& path, std::string_view who) {
  // One byte over the limit is enough for parse_script to say it is too big.
  auto text = read_whole_file(path, sieve::Limits{}.max_script_size + 1, ErrorKind::parse);
  if (!text) {
    (void)std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(who.size()), who.data(),
                       text.error().message.c_str());
    return std::nullopt;
  }
  LoadedScript script;
  script.path = path;
  auto program = sieve::compile(*text);
  if (program) {
    script.program = std::move(*program);
  } else {
    script.compile_error = program.error().front();
  }
  return script;
}

sieve::Outcome run_loaded(const LoadedScript& script, std::string raw,
                          const sieve::Envelope& envelope, const sieve::RunOptions& options) {
  if (!script.program) {
    // A script that does not compile keeps the message (issue 13).
    sieve::Outcome outcome;
    outcome.error = script.compile_error;
    sieve::Action keep;
    keep.kind = sieve::ActionKind::keep;
    keep.implicit = true;
    keep.position = {0, 0};
    outcome.actions.push_back(std::move(keep));
    return outcome;
  }
  auto buffer =
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(raw)));
  auto message = message::Message::parse(buffer);
  return sieve::run(*script.program, message, envelope, options);
}

namespace {

void print_diagnostic(const std::string& file, const sieve::Diagnostic& d,
                      const char* severity = "error") {
  print_sieve_diagnostic(file, d, severity);
}

// --include-dir DIR and --global-dir DIR of check and test (RFC 6609):
// `args[i]` is one of them; takes its value into `dirs`. False if none.
bool include_dir_option(Args args, std::size_t& i, std::string (&dirs)[2]) {
  std::string_view arg = args[i];
  if ((arg != "--include-dir" && arg != "--global-dir") || i + 1 >= args.size()) return false;
  dirs[arg == "--include-dir" ? 0 : 1] = args[++i];
  return true;
}

int check(Args args) {
  std::string dirs[2];
  std::vector<const char*> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!include_dir_option(args, i, dirs)) files.push_back(args[i]);
  }
  if (files.empty()) {
    (void)std::fprintf(stderr, "mailroom sieve check: FILE is missing\n");
    return 64;
  }
  int code = 0;
  for (const char* file : files) {
    // One byte over the limit is enough for parse_script to say it is too big.
    auto text = read_whole_file(file, sieve::Limits{}.max_script_size + 1, ErrorKind::parse);
    if (!text) {
      (void)std::fprintf(stderr, "%s: error: %s\n", file, text.error().message.c_str());
      code = 2;
      continue;
    }
    auto program = sieve::compile(*text);
    if (program) {
      for (const auto& w : program->warnings) print_diagnostic(file, w, "warning");
      auto bad = sieve::check_includes(*program, dirs[0], dirs[1]);
      if (!bad) continue;
      print_diagnostic(file, *bad);
      if (code == 0) code = 1;
      continue;
    }
    for (const auto& d : program.error()) print_diagnostic(file, d);
    if (code == 0) code = 1;
  }
  return code;
}

struct TestArgs {
  sieve::Envelope envelope;
  std::string final_recipient;
  bool json = false;
  bool trace = false;
  std::string cases;                   // --dir: a folder of cases (sieve_cases.cpp)
  std::vector<std::string> mailboxes;  // --mailbox: folders mailboxexists finds
  std::vector<std::string> seen_ids;   // --duplicate: unique ids the duplicate test has seen
  // --special-use ATTR=FOLDER (RFC 8579), else maildir.special_use's default
  std::vector<std::string> special_use;
  std::string include_dirs[2];     // --include-dir, --global-dir (RFC 6609)
  std::vector<std::string> files;  // SCRIPT MESSAGE
  sieve::RunOptions options;       // --date, --spam-score, ... (sieve_run_options.hpp)
};

std::string without_brackets(std::string address) {
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>') {
    address = address.substr(1, address.size() - 2);
  }
  return address;
}

// Returns a problem, or "" when the arguments are fine.
std::string parse_test_args(Args args, TestArgs& out) {
  bool original_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (auto taken = take_run_option(args, i, out.options)) {
      if (!taken->empty()) return *taken;
    } else if (arg == "--json") {
      out.json = true;
    } else if (arg == "--trace") {
      out.trace = true;
    } else if (arg == "--dir") {
      if (i + 1 >= args.size()) return "option --dir needs a folder";
      out.cases = args[++i];
    } else if (arg == "--mailbox") {
      if (i + 1 >= args.size()) return "option --mailbox needs a folder";
      out.mailboxes.emplace_back(args[++i]);
    } else if (arg == "--duplicate") {
      if (i + 1 >= args.size()) return "option --duplicate needs a unique id";
      out.seen_ids.emplace_back(args[++i]);
    } else if (include_dir_option(args, i, out.include_dirs)) {
      continue;
    } else if (arg == "--special-use" || arg == "--include-dir" || arg == "--global-dir") {
      if (i + 1 >= args.size()) return "option " + std::string(arg) + " needs a value";
      out.special_use.emplace_back(args[++i]);
    } else if (arg == "-f" || arg == "-a" || arg == "-r") {
      if (i + 1 >= args.size()) return "option " + std::string(arg) + " needs a value";
      std::string value = without_brackets(args[++i]);
      if (arg == "-f") out.envelope.from = value;
      if (arg == "-a") {
        out.envelope.to = value;
        original_given = true;
      }
      if (arg == "-r") out.final_recipient = value;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return "unknown option " + std::string(arg);
    } else {
      out.files.emplace_back(arg);
    }
  }
  // As Pigeonhole's sieve-test: the original recipient defaults to -r.
  if (!original_given) out.envelope.to = out.final_recipient;
  if (!out.cases.empty()) return out.files.size() == 1 ? "" : "with --dir, want only SCRIPT";
  if (out.files.size() != 2) return "want SCRIPT and MESSAGE";
  return {};
}

// A dry run explains what it would not send (RFC 3834, RFC 5436 §2.7).
std::string not_sent(const sieve::Action& action, const message::Message& message,
                     const sieve::Delivery& delivery) {
  if (action.kind == sieve::ActionKind::vacation)
    return sieve::vacation_refusal(message, *action.vacation, delivery);
  if (action.kind == sieve::ActionKind::notify) return sieve::notify_refusal(message, delivery);
  return {};
}

void print_outcome(const sieve::Outcome& outcome, const TestArgs& args, const std::string& script,
                   std::vector<sieve::TraceEntry> trace, const message::Message& message) {
  if (args.trace) trace = sieve::order_trace(std::move(trace));
  if (args.json) {
    std::string json = sieve::to_json(outcome);
    // --trace adds one key at the end; without it the object is unchanged.
    if (args.trace) json.insert(json.size() - 1, ",\"trace\":" + sieve::trace_to_json(trace));
    std::printf("%s\n", json.c_str());
    return;
  }
  if (outcome.error) print_diagnostic(script, *outcome.error);
  for (const auto& entry : trace) std::printf("%s\n", sieve::describe(entry).c_str());
  if (args.trace) std::printf("actions:\n");
  const sieve::Delivery delivery{args.envelope.from, args.final_recipient, args.envelope.to, 0, {}};
  for (const auto& action : outcome.actions) {
    std::printf("%s\n", sieve::describe(action).c_str());
    if (auto why = not_sent(action, message, delivery); !why.empty())
      std::printf("  not sent: %s\n", why.c_str());
  }
  for (const auto& edit : outcome.edits) {
    std::printf("%s \"%s\"%s (line %zu)\n", edit.add ? "addheader" : "deleteheader",
                edit.field.c_str(), edit.add ? (": " + edit.value).c_str() : "",
                edit.position.line);
  }
}

int test(Args args) {
  TestArgs parsed;
  if (auto problem = parse_test_args(args, parsed); !problem.empty()) {
    (void)std::fprintf(stderr, "mailroom sieve test: %s (try mailroom help sieve)\n",
                       problem.c_str());
    return 64;
  }
  auto script = load_script(parsed.files[0], "mailroom sieve test");
  if (!script) return 2;
  // RFC 6609 §3.2: with the directories known, includes are checked now.
  if (script->program) {
    if (auto bad = sieve::check_includes(*script->program, parsed.include_dirs[0],
                                         parsed.include_dirs[1])) {
      script->program.reset();
      script->compile_error = *bad;
    }
  }
  if (!parsed.cases.empty()) return run_sieve_cases(*script, parsed.cases, parsed.trace);
  auto raw = read_whole_file(parsed.files[1], kMaxSieveMessageSize, ErrorKind::parse);
  if (!raw) {
    (void)std::fprintf(stderr, "mailroom sieve test: %s\n", raw.error().message.c_str());
    return 2;
  }
  sieve::RunOptions& options = parsed.options;  // --date, --spam-score, ...
  options.environment.host = host_name();
  options.environment.domain = host_domain(options.environment.host);
  // A dry run has no store: the folders named with --mailbox exist.
  options.mailbox_exists = [&](std::string_view folder) {
    return std::find(parsed.mailboxes.begin(), parsed.mailboxes.end(), folder) !=
           parsed.mailboxes.end();
  };
  // A dry run writes no store: the ids named with --duplicate are the
  // ones seen before (RFC 7352), under any handle.
  options.duplicate_seen = [&](std::string_view key) {
    auto id = key.substr(key.rfind('\x1f') + 1);
    return std::find(parsed.seen_ids.begin(), parsed.seen_ids.end(), id) != parsed.seen_ids.end();
  };
  options.special_use_folder = sieve::special_use_map(
      parsed.special_use.empty() ? MaildirConfig{}.special_use : parsed.special_use,
      options.mailbox_exists);
  options.personal_dir = parsed.include_dirs[0];
  options.global_dir = parsed.include_dirs[1];
  std::vector<sieve::TraceEntry> trace;
  if (parsed.trace) {
    options.trace = [&](const sieve::TraceEntry& entry) { trace.push_back(entry); };
  }
  // The message again, for what vacation and notify would not send.
  auto message = message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(*raw)));
  auto outcome = run_loaded(*script, std::move(*raw), parsed.envelope, options);
  print_outcome(outcome, parsed, script->path, std::move(trace), message);
  return outcome.error ? 1 : 0;
}

}  // namespace

int sieve_command(Args args) {
  std::string_view sub = args.empty() ? "" : args[0];
  if (sub == "check") return check(args.subspan(1));
  if (sub == "test") return test(args.subspan(1));
  if (sub == "filter") return sieve_filter(args.subspan(1));
  if (sub == "from-procmail") return sieve_from_procmail(args.subspan(1));
  if (sub == "--help" || sub == "-h") {
    print_usage("sieve");
    return 0;
  }
  print_usage("sieve");
  return 64;
}

}  // namespace mailroom::cli
