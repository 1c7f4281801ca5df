// PEGTL actions that build the syntax tree while the grammar matches, and
// enforce Limits as they go (STYLE.md: limits while parsing, not after).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include <tao/pegtl.hpp>

#include "mailroom/sieve/ast.hpp"
#include "mailroom/sieve/parse.hpp"
#include "sieve/grammar.hpp"
#include "sieve/strings.hpp"

namespace mailroom::sieve {

// Thrown by an action when a limit is hit; parse_script catches it.
struct LimitExceeded {
  Diagnostic diagnostic;
};

// The command or test whose arguments are being read.
struct OpenNode {
  std::vector<Argument>* arguments;
  std::vector<Test>* tests;
  bool* test_list;
  Command* command;  // nullptr for a test
};

class TreeBuilder {
 public:
  TreeBuilder(Script& script, const Limits& limits) : limits_(limits) {
    lists_.push_back(&script.commands);
  }

  void open_command(std::string name, Position at);
  void close_node() { nodes_.pop_back(); }
  void open_test(std::string name, Position at);
  void open_block(Position at);
  void close_block() { lists_.pop_back(); }
  void mark_test_list() { *nodes_.back().test_list = true; }
  void add_argument(Argument argument) { nodes_.back().arguments->push_back(std::move(argument)); }
  void add_list_string(std::string value, Position at);
  [[nodiscard]] const Limits& limits() const { return limits_; }

  [[noreturn]] static void fail(std::string message, Position at) {
    throw LimitExceeded{Diagnostic{DiagnosticKind::limit, std::move(message), at}};
  }

 private:
  void count_node(Position at);

  const Limits& limits_;
  std::vector<std::vector<Command>*> lists_;  // where the next command goes
  std::vector<OpenNode> nodes_;
  std::size_t node_count_ = 0;
};

// A number with its K/M/G quantifier (§2.4.1: 2^10, 2^20, 2^30).
std::uint64_t number_value(std::string_view text, Position at);
std::string lower(std::string_view text);

inline Argument make_argument(Argument::Kind kind, Position at, std::string tag = {}) {
  Argument a;
  a.kind = kind;
  a.position = at;
  a.tag = std::move(tag);
  return a;
}

template <typename Rule>
struct build_action : tao::pegtl::nothing<Rule> {};

template <typename Input>
Position at(const Input& in) {
  auto p = in.position();
  return Position{p.line, p.column};
}

template <>
struct build_action<grammar::command_name> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    b.open_command(lower(in.string_view()), at(in));
  }
};
template <>
struct build_action<grammar::command> {
  template <typename Input>
  static void apply(const Input& /*in*/, TreeBuilder& b) {
    b.close_node();
  }
};
template <>
struct build_action<grammar::test_name> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    b.open_test(lower(in.string_view()), at(in));
  }
};
template <>
struct build_action<grammar::test> : build_action<grammar::command> {};
template <>
struct build_action<grammar::list_test> : build_action<grammar::command> {};
template <>
struct build_action<grammar::test_list_open> {
  template <typename Input>
  static void apply(const Input& /*in*/, TreeBuilder& b) {
    b.mark_test_list();
  }
};
template <>
struct build_action<grammar::block_open> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    b.open_block(at(in));
  }
};
template <>
struct build_action<grammar::block_close> {
  template <typename Input>
  static void apply(const Input& /*in*/, TreeBuilder& b) {
    b.close_block();
  }
};
template <>
struct build_action<grammar::tag> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    b.add_argument(make_argument(Argument::Kind::tag, at(in), lower(in.string_view().substr(1))));
  }
};
template <>
struct build_action<grammar::number> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    Argument a = make_argument(Argument::Kind::number, at(in));
    a.number = number_value(in.string_view(), at(in));
    b.add_argument(std::move(a));
  }
};

template <typename Input>
std::string string_value(const Input& in, const TreeBuilder& b) {
  auto text = in.string_view();
  auto value = text.starts_with('"') ? unquote(text, b.limits().max_string_length)
                                     : multi_line_value(text, b.limits().max_string_length);
  if (!value) {
    TreeBuilder::fail(
        "string longer than " + std::to_string(b.limits().max_string_length) + " bytes", at(in));
  }
  return std::move(*value);
}

template <>
struct build_action<grammar::string> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    Argument a = make_argument(Argument::Kind::string, at(in));
    a.strings.push_back(string_value(in, b));
    b.add_argument(std::move(a));
  }
};
template <>
struct build_action<grammar::list_open> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    b.add_argument(make_argument(Argument::Kind::string_list, at(in)));
  }
};
template <>
struct build_action<grammar::list_string> {
  template <typename Input>
  static void apply(const Input& in, TreeBuilder& b) {
    b.add_list_string(string_value(in, b), at(in));
  }
};

}  // namespace mailroom::sieve
