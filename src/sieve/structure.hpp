// The structure extensions: special-use (RFC 8579), editheader (RFC 5293),
// include (RFC 6609), mime/foreverypart/extracttext (RFC 5703). Each lives
// in its own file (special_use.cpp, editheader.cpp, include.cpp, mime.cpp); the validator and the
// interpreter reach them through these calls only.
#pragma once

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mailroom/sieve/ast.hpp"
#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve {

class Validator;

// A command of these extensions (include, return, global, addheader,
// deleteheader): true when `c` is one of theirs, `out` then holds it, or
// nullopt after an error was reported.
bool structure_command(Validator& v, const Command& c, std::optional<CompiledCommand>& out);

// addheader or deleteheader (editheader.cpp), for structure_command.
std::optional<CompiledCommand> editheader_command(Validator& v, const Command& c);

// foreverypart, break, extracttext (mime.cpp, RFC 5703 §3, §7), for
// structure_command; header/address/exists with :mime (§4), for
// structure_test. Both as structure_command.
bool mime_command(Validator& v, const Command& c, std::optional<CompiledCommand>& out);
bool mime_test_options(Validator& v, const Test& t, std::optional<CompiledTest>& out);

// specialuse_exists (RFC 8579 §3), as structure_command.
bool structure_test(Validator& v, const Test& t, std::optional<CompiledTest>& out);

// fileinto :specialuse <attr> (RFC 8579 §4): the tag at c.arguments[i];
// takes its value (i moves past it). False after an error.
bool special_use_tag(Validator& v, const Command& c, std::size_t& i, CompiledCommand& out);

// special-use-attr: "\" atom (RFC 6154 §2, RFC 3501 §9).
bool valid_special_use(std::string_view attr);

// RFC 6609 §3.2 script names: not empty, no "/", no "..", no leading ".",
// no control character, so that NAME.sieve stays in its directory.
bool valid_script_name(std::string_view name);

// RFC 6609 §3.5: "global" names the namespace of global variables; with
// require "include" a reference "${global.x}" is allowed.
inline constexpr std::string_view kGlobalNamespace = "global";

// `text` in ASCII lower case (field names, variable names, tags).
inline std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 2047 encoded-word form of a header value with non-ASCII text
// ("=?UTF-8?B?...?=" words of at most 75 characters); ASCII stays as is.
std::string encode_header_value(std::string_view value);

}  // namespace mailroom::sieve
