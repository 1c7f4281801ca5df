// The syntax tree of a Sieve script (RFC 5228 §8.2): commands with
// arguments, tests and blocks. Names are lower-cased: identifiers and tags
// are case-insensitive (§2.4.2 ... §8.1, checked against Pigeonhole).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mailroom/sieve/diagnostic.hpp"

namespace mailroom::sieve {

// argument = string-list / number / tag (§8.2). A single string is a
// string list of one, but it is remembered as written: some arguments
// (fileinto's folder) accept a string and not a list.
struct Argument {
  enum class Kind { string, string_list, number, tag };
  Kind kind = Kind::string;
  std::vector<std::string> strings;  // string, string_list
  std::uint64_t number = 0;          // number, the K/M/G quantifier applied
  std::string tag;                   // tag, without the ':' and lower-cased
  Position position;
};

struct Test {
  std::string name;
  Position position;
  std::vector<Argument> arguments;
  std::vector<Test> tests;  // a test argument, or the tests of a test-list
  bool test_list = false;   // the tests were written as "( ... )"
};

struct Command {
  std::string name;
  Position position;
  std::vector<Argument> arguments;
  std::vector<Test> tests;
  bool test_list = false;
  bool has_block = false;  // ended by "{ ... }" rather than ";"
  std::vector<Command> block;
};

struct Script {
  std::vector<Command> commands;
  std::vector<std::string> capabilities;  // filled by the validator from require
};

}  // namespace mailroom::sieve
