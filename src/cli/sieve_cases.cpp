// `mailroom sieve test --dir CASES SCRIPT`: a folder of messages, each
// NAME.eml with the outcome the user expects in NAME.expect, replayed and
// compared; a unit-test harness for one's own rules. The .expect format
// (mailroom-sieve(7), "TEST CASES"): one action a line, as
//   keep [:flags FLAG...]
//   fileinto FOLDER [:copy] [:create] [:flags FLAG...]
//   redirect ADDRESS [:copy]
//   discard
//   reject REASON / ereject REASON   (the rest of the line)
//   error                            (a compile or run-time error)
// plus the envelope: "from: ADDRESS", "to: ADDRESS", "mailbox: FOLDER"
// (a folder mailboxexists finds); "#" starts a comment. Actions are
// compared as sets: the order a script collects them in is not the
// user's concern, the implicit keep and an explicit one are both "keep".
#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/sieve_tools.hpp"
#include "mailroom/sieve/trace.hpp"
#include "mailroom/util/file.hpp"

namespace mailroom::cli {
namespace {

constexpr std::size_t kMaxExpectSize = 64UL * 1024;

bool needs_quotes(std::string_view token) {
  return token.empty() || token.front() == ':' || token.front() == '#' ||
         token.find_first_of(" \t\"") != std::string_view::npos;
}

void append_token(std::string& line, std::string_view token) {
  line.push_back(' ');
  if (!needs_quotes(token)) {
    line.append(token);
    return;
  }
  line.push_back('"');
  for (char c : token) {
    if (c == '"' || c == '\\') line.push_back('\\');
    line.push_back(c);
  }
  line.push_back('"');
}

// Tokens separated by blanks; "..." quotes one, with \" and \\ inside.
std::vector<std::string> tokens_of(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t') {
      ++i;
      continue;
    }
    std::string token;
    if (line[i] == '"') {
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        token.push_back(line[i]);
      }
      ++i;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') token.push_back(line[i++]);
    }
    out.push_back(std::move(token));
  }
  return out;
}

std::string canonical_flags(std::vector<std::string> flags) {
  // System flags in any case (RFC 3501 §2.3.2) as "\Seen".
  for (auto& flag : flags) {
    if (flag.size() < 2 || flag[0] != '\\') continue;
    for (std::size_t i = 1; i < flag.size(); ++i)
      flag[i] = static_cast<char>(i == 1 ? std::toupper(static_cast<unsigned char>(flag[i]))
                                         : std::tolower(static_cast<unsigned char>(flag[i])));
  }
  std::sort(flags.begin(), flags.end());
  std::string out;
  if (flags.empty()) return out;
  out.append(" :flags");
  for (const auto& f : flags) append_token(out, f);
  return out;
}

// One action as a line of the .expect format.
std::string canonical(const sieve::Action& a) {
  std::string line(sieve::to_string(a.kind));
  if (a.kind == sieve::ActionKind::reject || a.kind == sieve::ActionKind::ereject) {
    return line + " " + a.reason;
  }
  if (!a.target.empty()) append_token(line, a.target);
  if (a.copy) line.append(" :copy");
  if (a.create) line.append(" :create");
  line.append(canonical_flags(a.flags));
  return line;
}

// A line of the .expect file, rewritten in the canonical form so spacing,
// quoting and the order of tags and flags do not matter.
std::string canonical(std::string_view written, std::string& problem) {
  auto tokens = tokens_of(written);
  std::string verb = tokens.front();
  if (verb == "reject" || verb == "ereject") {
    auto rest = written.substr(written.find(verb) + verb.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    return verb + " " + std::string(rest);
  }
  std::string line = verb;
  std::size_t i = 1;
  bool takes_target = verb == "fileinto" || verb == "redirect";
  if (takes_target) {
    if (tokens.size() < 2) problem = verb + " needs a folder or address";
    if (tokens.size() < 2) return {};
    append_token(line, tokens[i++]);
  }
  bool copy = false;
  bool create = false;
  std::vector<std::string> flags;
  for (; i < tokens.size(); ++i) {
    if (tokens[i] == ":copy") {
      copy = true;
    } else if (tokens[i] == ":create") {
      create = true;
    } else if (tokens[i] == ":flags") {
      while (i + 1 < tokens.size() && tokens[i + 1].rfind(':', 0) != 0)
        flags.push_back(tokens[++i]);
    } else {
      problem = "unexpected '" + tokens[i] + "' after " + verb;
      return {};
    }
  }
  if (copy) line.append(" :copy");
  if (create) line.append(" :create");
  line.append(canonical_flags(std::move(flags)));
  return line;
}

struct Case {
  sieve::Envelope envelope;
  std::vector<std::string> mailboxes;
  std::vector<std::string> expected;  // canonical lines, sorted
};

// Returns a problem ("file:line: ...") or "".
std::string read_case(const std::string& path, Case& out) {
  auto text = read_whole_file(path, kMaxExpectSize, ErrorKind::parse);
  if (!text) return text.error().message;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text->size()) {
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string_view line(text->data() + start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line.remove_prefix(first);
    auto where = path + ":" + std::to_string(number) + ": ";
    for (std::string_view key : {"from:", "to:", "mailbox:"}) {
      if (line.rfind(key, 0) != 0) continue;
      auto tokens = tokens_of(line.substr(key.size()));
      std::string value = tokens.empty() ? "" : tokens.front();
      if (key == "from:") out.envelope.from = value;
      if (key == "to:") out.envelope.to = value;
      if (key == "mailbox:") out.mailboxes.push_back(value);
      line = {};
    }
    if (line.empty()) continue;
    std::string problem;
    std::string expected = canonical(line, problem);
    if (!problem.empty()) return where + problem;
    out.expected.push_back(std::move(expected));
  }
  std::sort(out.expected.begin(), out.expected.end());
  return {};
}

std::vector<std::string> actual_lines(const sieve::Outcome& outcome) {
  std::vector<std::string> lines;
  if (outcome.error) lines.emplace_back("error");
  for (const auto& a : outcome.actions) lines.push_back(canonical(a));
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  return lines;
}

// Prints a unified-diff-like listing of two sorted lists; true if equal.
bool print_difference(const std::string& base, const std::vector<std::string>& expected,
                      const std::vector<std::string>& actual) {
  if (expected == actual) return true;
  std::printf("--- %s.expect\n+++ %s.eml (what the script did)\n", base.c_str(), base.c_str());
  std::size_t e = 0;
  std::size_t a = 0;
  while (e < expected.size() || a < actual.size()) {
    if (a == actual.size() || (e < expected.size() && expected[e] < actual[a])) {
      std::printf("-%s\n", expected[e++].c_str());
    } else if (e == expected.size() || actual[a] < expected[e]) {
      std::printf("+%s\n", actual[a++].c_str());
    } else {
      std::printf(" %s\n", expected[e].c_str());
      ++e;
      ++a;
    }
  }
  return false;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// NAME of each NAME.eml or NAME.expect, sorted; nullopt when unreadable.
std::optional<std::vector<std::string>> case_names(const std::string& directory) {
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) return std::nullopt;
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.front() == '.') continue;
    if (ends_with(name, ".eml")) names.emplace_back(name.substr(0, name.size() - 4));
    if (ends_with(name, ".expect")) names.emplace_back(name.substr(0, name.size() - 7));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// Runs one case and prints its result; true when it came out as expected.
bool run_case(const LoadedScript& script, const std::string& directory, const std::string& name,
              bool trace) {
  std::string base = directory;
  base.append("/").append(name);
  Case c;
  auto raw = read_whole_file(base + ".eml", kMaxSieveMessageSize, ErrorKind::parse);
  std::string problem = raw ? read_case(base + ".expect", c) : raw.error().message;
  if (!problem.empty()) {
    std::printf("FAIL %s: %s\n", name.c_str(), problem.c_str());
    return false;
  }
  sieve::RunOptions options;
  options.mailbox_exists = [&](std::string_view folder) {
    return std::find(c.mailboxes.begin(), c.mailboxes.end(), folder) != c.mailboxes.end();
  };
  std::vector<sieve::TraceEntry> entries;
  if (trace) options.trace = [&](const sieve::TraceEntry& e) { entries.push_back(e); };
  auto outcome = run_loaded(script, std::move(*raw), c.envelope, options);
  if (outcome.error && !script.compile_error) print_sieve_diagnostic(script.path, *outcome.error);
  if (print_difference(base, c.expected, actual_lines(outcome))) {
    std::printf("ok   %s\n", name.c_str());
    return true;
  }
  for (const auto& e : sieve::order_trace(std::move(entries)))
    std::printf("  %s\n", sieve::describe(e).c_str());
  std::printf("FAIL %s\n", name.c_str());
  return false;
}

}  // namespace

int run_sieve_cases(const LoadedScript& script, const std::string& directory, bool trace) {
  auto names = case_names(directory);
  if (!names) {
    (void)std::fprintf(stderr, "mailroom sieve test: cannot read %s\n", directory.c_str());
    return 2;
  }
  if (script.compile_error) print_sieve_diagnostic(script.path, *script.compile_error);
  std::size_t failed = 0;
  for (const auto& name : *names) failed += run_case(script, directory, name, trace) ? 0 : 1;
  std::printf("%zu cases, %zu passed, %zu failed\n", names->size(), names->size() - failed, failed);
  if (names->empty()) {
    (void)std::fprintf(stderr, "mailroom sieve test: no NAME.eml/NAME.expect in %s\n",
                       directory.c_str());
    return 1;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace mailroom::cli
