// `mailroom sieve check FILE...` and `mailroom sieve test ... SCRIPT
// MESSAGE`: the Sieve engine (src/sieve) for a person or a test harness.
// check: exit 0 only if every file compiles, 1 otherwise, 2 if a file
// cannot be read. test: exit 0 when the script ran cleanly, 1 after a
// compile or run-time error (the implicit keep is still printed), 2 when a
// file cannot be read; 64 for a bad command line.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "mailroom/sieve/report.hpp"
#include "mailroom/util/file.hpp"

namespace mailroom::cli {
namespace {

constexpr std::size_t kMaxMessageSize = 256UL * 1024 * 1024;

void print_diagnostic(const std::string& file, const sieve::Diagnostic& d,
                      const char* severity = "error") {
  std::printf("%s:%zu:%zu: %s: %s [%s]\n", file.c_str(), d.position.line, d.position.column,
              severity, d.message.c_str(), std::string(sieve::to_string(d.kind)).c_str());
}

int check(Args files) {
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
  std::vector<std::string> mailboxes;  // --mailbox: folders mailboxexists finds
  std::vector<std::string> files;      // SCRIPT MESSAGE
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
    if (arg == "--json") {
      out.json = true;
    } else if (arg == "--mailbox") {
      if (i + 1 >= args.size()) return "option --mailbox needs a folder";
      out.mailboxes.emplace_back(args[++i]);
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
  if (out.files.size() != 2) return "want SCRIPT and MESSAGE";
  return {};
}

void print_outcome(const sieve::Outcome& outcome, bool json, const std::string& script) {
  if (json) {
    std::printf("%s\n", sieve::to_json(outcome).c_str());
    return;
  }
  if (outcome.error) print_diagnostic(script, *outcome.error);
  for (const auto& action : outcome.actions) std::printf("%s\n", sieve::describe(action).c_str());
}

int test(Args args) {
  TestArgs parsed;
  if (auto problem = parse_test_args(args, parsed); !problem.empty()) {
    (void)std::fprintf(stderr, "mailroom sieve test: %s (try mailroom help sieve)\n",
                       problem.c_str());
    return 64;
  }
  const std::string& script_path = parsed.files[0];
  auto text = read_whole_file(script_path, sieve::Limits{}.max_script_size + 1, ErrorKind::parse);
  auto raw = read_whole_file(parsed.files[1], kMaxMessageSize, ErrorKind::parse);
  for (const auto* failed : {&text, &raw}) {
    if (!*failed) {
      (void)std::fprintf(stderr, "mailroom sieve test: %s\n", failed->error().message.c_str());
      return 2;
    }
  }
  sieve::Outcome outcome;
  auto program = sieve::compile(*text);
  if (!program) {
    // A script that does not compile keeps the message (issue 13).
    outcome.error = program.error().front();
    sieve::Action keep;
    keep.kind = sieve::ActionKind::keep;
    keep.implicit = true;
    keep.position = {0, 0};
    outcome.actions.push_back(std::move(keep));
  } else {
    auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(*raw));
    auto message = message::Message::parse(buffer);
    sieve::RunOptions options;
    // A dry run has no store: the folders named with --mailbox exist.
    options.mailbox_exists = [&](std::string_view folder) {
      return std::find(parsed.mailboxes.begin(), parsed.mailboxes.end(), folder) !=
             parsed.mailboxes.end();
    };
    outcome = sieve::run(*program, message, parsed.envelope, options);
  }
  print_outcome(outcome, parsed.json, script_path);
  return outcome.error ? 1 : 0;
}

}  // namespace

int sieve_command(Args args) {
  std::string_view sub = args.empty() ? "" : args[0];
  if (sub == "check") return check(args.subspan(1));
  if (sub == "test") return test(args.subspan(1));
  if (sub == "--help" || sub == "-h") {
    print_usage("sieve");
    return 0;
  }
  print_usage("sieve");
  return 64;
}

}  // namespace mailroom::cli
