#include "sieve/tree_builder.hpp"

#include <limits>

namespace mailroom::sieve {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::uint64_t number_value(std::string_view text, Position at) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (kMax - digit) / 10) TreeBuilder::fail("number too large", at);
    value = value * 10 + digit;
  }
  unsigned shift = 0;
  if (i < text.size()) {
    char q = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    shift = q == 'K' ? 10 : q == 'M' ? 20 : 30;
  }
  if (shift != 0 && value > (kMax >> shift)) TreeBuilder::fail("number too large", at);
  return value << shift;
}

void TreeBuilder::count_node(Position at) {
  if (++node_count_ > limits_.max_commands) {
    fail("more than " + std::to_string(limits_.max_commands) + " commands and tests", at);
  }
  if (nodes_.size() >= limits_.max_nesting) {
    fail("nested deeper than " + std::to_string(limits_.max_nesting) + " levels", at);
  }
}

void TreeBuilder::open_command(std::string name, Position at) {
  count_node(at);
  auto& list = *lists_.back();
  Command& c = list.emplace_back();
  c.name = std::move(name);
  c.position = at;
  nodes_.push_back(OpenNode{&c.arguments, &c.tests, &c.test_list, &c});
}

void TreeBuilder::open_test(std::string name, Position at) {
  count_node(at);
  auto& tests = *nodes_.back().tests;
  Test& t = tests.emplace_back();
  t.name = std::move(name);
  t.position = at;
  nodes_.push_back(OpenNode{&t.arguments, &t.tests, &t.test_list, nullptr});
}

void TreeBuilder::open_block(Position at) {
  Command* c = nodes_.back().command;
  c->has_block = true;
  if (lists_.size() >= limits_.max_nesting) {
    fail("blocks nested deeper than " + std::to_string(limits_.max_nesting) + " levels", at);
  }
  lists_.push_back(&c->block);
}

void TreeBuilder::add_list_string(std::string value, Position at) {
  auto& list = nodes_.back().arguments->back();
  if (list.strings.size() >= limits_.max_list_items) {
    fail("string list longer than " + std::to_string(limits_.max_list_items) + " items", at);
  }
  list.strings.push_back(std::move(value));
}

}  // namespace mailroom::sieve
