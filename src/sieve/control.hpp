// PEGTL control: a must<Rule> that fails raises a parse_error with the
// rule's own `error` text, so the user reads "expected ';' ..." rather than
// a demangled template name.
#pragma once

#include <tao/pegtl.hpp>

namespace mailroom::sieve::grammar {

template <typename Rule>
struct control : tao::pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&... /*unused*/) {
    if constexpr (requires { Rule::error; }) {
      throw tao::pegtl::parse_error(Rule::error, in);
    } else {
      throw tao::pegtl::parse_error("syntax error", in);
    }
  }
};

}  // namespace mailroom::sieve::grammar
