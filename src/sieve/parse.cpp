// The parse entry point: PEGTL grammar (grammar.hpp) plus actions that
// build the tree (tree_builder.hpp). Exceptions from PEGTL and from limit
// checks end here and become a Diagnostic (STYLE.md: nothing thrown
// crosses a module's edge).
#include <exception>
#include <new>
#include <string>

#include <tao/pegtl.hpp>

#include "mailroom/sieve/parse.hpp"
#include "sieve/control.hpp"
#include "sieve/grammar.hpp"
#include "sieve/tree_builder.hpp"

namespace mailroom::sieve {
namespace {

Position position_of(const tao::pegtl::position& at) { return Position{at.line, at.column}; }

}  // namespace

Compiled<Script> parse_script(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_script_size) {
    return tl::unexpected(Diagnostic{DiagnosticKind::limit,
                                     "script is " + std::to_string(text.size()) +
                                         " bytes, over the limit of " +
                                         std::to_string(limits.max_script_size),
                                     Position{}});
  }
  Script script;
  TreeBuilder builder(script, limits);
  tao::pegtl::memory_input<> in(text.data(), text.size(), "script");
  try {
    tao::pegtl::parse<grammar::script, build_action, grammar::control>(in, builder);
  } catch (const tao::pegtl::parse_error& e) {
    const auto& where = e.positions();
    Position at = where.empty() ? Position{} : position_of(where.front());
    return tl::unexpected(Diagnostic{DiagnosticKind::syntax, std::string(e.message()), at});
  } catch (const LimitExceeded& e) {
    return tl::unexpected(e.diagnostic);
  } catch (const std::bad_alloc&) {
    return tl::unexpected(Diagnostic{DiagnosticKind::limit, "out of memory while parsing", {}});
  } catch (const std::exception& e) {
    return tl::unexpected(Diagnostic{DiagnosticKind::syntax, e.what(), {}});
  }
  return script;
}

}  // namespace mailroom::sieve
