// `mailroom sieve test --trace` (trace.hpp): what each test and command
// was given, what a test found, and the entries as text.
#include "mailroom/sieve/trace.hpp"

#include <string>
#include <utility>
#include <vector>

#include "sieve/interpreter.hpp"

namespace mailroom::sieve {
namespace {

constexpr std::size_t kMaxShownValue = 72;  // bytes of a header value in a `why`

void append_quoted(std::string& out, std::string_view text, std::size_t limit = std::string::npos) {
  out.push_back('"');
  std::size_t shown = 0;
  for (char c : text) {
    if (shown++ == limit) {
      out.append("...");
      break;
    }
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\r' || c == '\n') c = ' ';
    out.push_back(c);
  }
  out.push_back('"');
}

// A string list as Sieve writes it: "a" or ["a", "b"].
void append_list(std::string& out, const std::vector<std::string>& list) {
  if (list.size() == 1) {
    out.push_back(' ');
    append_quoted(out, list.front());
    return;
  }
  out.append(" [");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i != 0) out.append(", ");
    append_quoted(out, list[i]);
  }
  out.push_back(']');
}

std::string_view match_tag(MatchType match) {
  if (match == MatchType::contains) return ":contains";
  if (match == MatchType::matches) return ":matches";
  if (match == MatchType::count) return ":count";
  if (match == MatchType::value) return ":value";
  if (match == MatchType::is) return ":is";
  return ":match";  // a match type added later; the name is in the script
}

std::string_view relation_name(Relation relation) {
  static constexpr std::string_view kNames[] = {"gt", "ge", "lt", "le", "eq", "ne"};
  return kNames[static_cast<std::size_t>(relation)];
}

std::string_view part_tag(AddressPart part) {
  static constexpr std::string_view kTags[] = {"", ":localpart", ":domain", ":user", ":detail"};
  return kTags[static_cast<std::size_t>(part)];
}

// The arguments a test was compiled with, as Sieve, from its fields: a
// test added later shows its names and keys without code of its own.
std::string test_arguments(const CompiledTest& t) {
  using Kind = CompiledTest::Kind;
  std::string out;
  if (t.kind == Kind::size_over || t.kind == Kind::size_under) {
    out.append(t.kind == Kind::size_over ? " :over " : " :under ").append(std::to_string(t.size));
    return out.substr(1);
  }
  if (t.kind == Kind::address || t.kind == Kind::envelope) {
    if (t.part != AddressPart::all) out.append(" ").append(part_tag(t.part));
  }
  if (!t.keys.empty()) {
    out.append(" ").append(match_tag(t.match));
    if (t.match == MatchType::count || t.match == MatchType::value) {
      out.append(" \"").append(relation_name(t.relation)).append("\"");
    }
    if (t.comparator == Comparator::octet) out.append(" :comparator \"i;octet\"");
    if (t.comparator == Comparator::ascii_numeric) out.append(" :comparator \"i;ascii-numeric\"");
  }
  if (!t.names.empty()) append_list(out, t.names);
  if (!t.keys.empty()) append_list(out, t.keys);
  return out.empty() ? out : out.substr(1);
}

std::string command_arguments(const CompiledCommand& c) {
  std::string out;
  if (!c.variable.empty()) {
    out.push_back(' ');
    append_quoted(out, c.variable);
  }
  if (!c.target.empty()) {
    out.push_back(' ');
    append_quoted(out, c.target);
  }
  if (c.copy) out.append(" :copy");
  if (c.create) out.append(" :create");
  if (c.has_flags || (!c.flags.empty() && c.target.empty())) append_list(out, c.flags);
  return out.empty() ? out : out.substr(1);
}

}  // namespace

std::vector<TraceEntry> order_trace(std::vector<TraceEntry> entries) {
  // Entries come in post-order (a test after the tests inside it): each
  // one takes the finished subtrees deeper than itself, just before it.
  struct Subtree {
    std::size_t depth;
    std::vector<TraceEntry> entries;  // root first
  };
  std::vector<Subtree> pending;
  for (auto& entry : entries) {
    Subtree tree{entry.depth, {}};
    tree.entries.push_back(std::move(entry));
    std::size_t first = pending.size();
    while (first > 0 && pending[first - 1].depth > tree.depth) --first;
    for (std::size_t i = first; i < pending.size(); ++i) {
      for (auto& e : pending[i].entries) tree.entries.push_back(std::move(e));
    }
    pending.resize(first);
    pending.push_back(std::move(tree));
  }
  std::vector<TraceEntry> out;
  for (auto& tree : pending) {
    for (auto& e : tree.entries) out.push_back(std::move(e));
  }
  return out;
}

std::string describe(const TraceEntry& e) {
  std::string line(e.depth * 2, ' ');
  line.append("line ").append(std::to_string(e.position.line)).append(": ").append(e.name);
  if (!e.arguments.empty()) line.append(" ").append(e.arguments);
  if (e.kind == TraceEntry::Kind::command) return line;
  line.append(e.result ? " -> true" : " -> false");
  if (!e.why.empty()) line.append(" (").append(e.why).append(")");
  return line;
}

bool Interpreter::traced_evaluate(const CompiledTest& t) {
  const bool expand = variables_ && t.expands;
  const CompiledTest shown = expand ? expanded(t) : CompiledTest{};
  const CompiledTest& test = expand ? shown : t;
  ++trace_depth_;
  trace_why_.clear();
  trace_source_ = {};
  trace_values_ = 0;
  bool result = evaluate_kind(test);
  --trace_depth_;
  trace_test(test, result);
  return result;
}

void Interpreter::trace_test(const CompiledTest& t, bool result) {
  using Kind = CompiledTest::Kind;
  TraceEntry entry;
  entry.kind = TraceEntry::Kind::test;
  entry.name = t.name;
  entry.arguments = test_arguments(t);
  entry.position = t.position;
  entry.depth = trace_depth_;
  entry.result = result;
  if (t.kind == Kind::size_over || t.kind == Kind::size_under) {
    entry.why = "message is " + std::to_string(message_.raw().size()) + " bytes";
  } else if (t.tests.empty()) {
    // A test of tests (allof, anyof, not) is explained by its own.
    entry.why = std::move(trace_why_);
    if (entry.why.empty() && !t.keys.empty() && trace_values_ == 0) entry.why = "no value";
  }
  trace_why_.clear();
  options_.trace(entry);
}

// Called for each value a test compares: the first match explains a true
// result; a false one says how many values were compared.
void Interpreter::trace_value(std::string_view value, bool matched) {
  ++trace_values_;
  if (matched) {
    trace_why_.clear();
    if (!trace_source_.empty()) trace_why_.append(trace_source_).append(": ");
    append_quoted(trace_why_, value, kMaxShownValue);
    return;
  }
  trace_why_ = std::to_string(trace_values_) + (trace_values_ == 1 ? " value" : " values") +
               ", no key matched";
}

void Interpreter::trace_command(const CompiledCommand& c) {
  TraceEntry entry;
  entry.kind = TraceEntry::Kind::command;
  entry.name = c.name;
  entry.arguments = command_arguments(c);
  entry.position = c.position;
  entry.depth = 0;
  options_.trace(entry);
}

}  // namespace mailroom::sieve
