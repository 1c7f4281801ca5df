// RFC 5228 §8 as a PEGTL grammar. Lexical rules (§8.1) first, then the
// command structure (§8.2). Line endings: CRLF as the RFC writes, and bare
// LF as scripts are saved on Unix (Pigeonhole accepts both too).
//
// Rules that carry `error` are used inside must<>: their text is what the
// user reads when the rule is missing (control.hpp raises it). Actions run
// only on rules that cannot be backtracked over once they matched, so the
// tree builder never has to undo anything.
#pragma once

#include <tao/pegtl.hpp>

namespace mailroom::sieve::grammar {

namespace p = tao::pegtl;

struct crlf : p::sor<p::string<'\r', '\n'>, p::one<'\n'>> {};

// hash-comment = "#" *octet-not-crlf CRLF; the last line may lack its CRLF.
struct hash_comment : p::seq<p::one<'#'>, p::until<p::sor<crlf, p::eof>>> {};
struct comment_end : p::until<p::string<'*', '/'>> {
  static constexpr const char* error = "unterminated comment: '/*' without '*/'";
};
struct bracket_comment : p::seq<p::string<'/', '*'>, p::must<comment_end>> {};
struct comment : p::sor<hash_comment, bracket_comment> {};
struct ws : p::star<p::sor<p::one<' ', '\t'>, crlf, comment>> {};

// identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_")
struct identifier : p::seq<p::sor<p::alpha, p::one<'_'>>, p::star<p::sor<p::alnum, p::one<'_'>>>> {
};
struct tag : p::seq<p::one<':'>, identifier> {};
// number = 1*DIGIT [ QUANTIFIER ]; QUANTIFIER = "K" / "M" / "G" (any case: §2.4.1
// does not say, Pigeonhole takes both)
struct number : p::seq<p::plus<p::digit>, p::opt<p::one<'K', 'M', 'G', 'k', 'm', 'g'>>> {};

// quoted-string = DQUOTE quoted-text DQUOTE; "\" escapes any octet (§2.4.2).
struct quoted_char : p::sor<p::seq<p::one<'\\'>, p::any>, p::not_one<'"', '\\'>> {};
struct quoted_end : p::one<'"'> {
  static constexpr const char* error = "unterminated string: missing '\"'";
};
struct quoted_string : p::seq<p::one<'"'>, p::star<quoted_char>, p::must<quoted_end>> {};

// multi-line = "text:" *(SP / HTAB) (hash-comment / CRLF)
//              *(multiline-literal / multiline-dotstart) "." CRLF
struct line_rest : p::until<crlf> {};
struct multiline_end : p::seq<p::one<'.'>, p::sor<crlf, p::eof>> {};
struct multiline_body : p::until<multiline_end, line_rest> {
  static constexpr const char* error =
      "unterminated multi-line string: missing a line with only '.'";
};
struct multiline_start : p::seq<p::istring<'t', 'e', 'x', 't', ':'>, p::star<p::one<' ', '\t'>>,
                                p::sor<hash_comment, crlf>> {};
struct multi_line : p::seq<multiline_start, p::must<multiline_body>> {};

struct string : p::sor<multi_line, quoted_string> {};
struct list_string : string {
  static constexpr const char* error = "expected a string in the string list";
};
struct list_open : p::one<'['> {};
struct list_close : p::one<']'> {
  static constexpr const char* error = "expected ',' or ']' in the string list";
};
struct string_list
    : p::seq<list_open, ws, p::must<list_string>, ws,
             p::star<p::one<','>, ws, p::must<list_string>, ws>, p::must<list_close>> {};

struct argument : p::sor<string_list, string, number, tag> {};

struct test;
struct test_list;
struct test_name : identifier {};
struct arguments : p::seq<p::star<argument, ws>, p::opt<p::sor<test_list, test>>> {};
struct test : p::seq<test_name, ws, arguments> {};
struct list_test : test {
  static constexpr const char* error = "expected a test";
};
struct test_list_open : p::one<'('> {};
struct test_list_close : p::one<')'> {
  static constexpr const char* error = "expected ',' or ')' in the test list";
};
struct test_list
    : p::seq<test_list_open, ws, p::must<list_test>, ws,
             p::star<p::one<','>, ws, p::must<list_test>, ws>, p::must<test_list_close>> {};

struct command;
struct block_open : p::one<'{'> {};
struct block_close : p::one<'}'> {
  static constexpr const char* error = "expected a command or '}'";
};
struct commands : p::star<command, ws> {};
struct block : p::seq<block_open, ws, commands, p::must<block_close>> {};
struct semicolon : p::one<';'> {};
struct command_end : p::sor<semicolon, block> {
  static constexpr const char* error = "expected ';' or a block '{ ... }' after the arguments";
};
struct command_name : identifier {};
struct command : p::seq<command_name, ws, arguments, ws, p::must<command_end>> {};

struct script_end : p::eof {
  static constexpr const char* error = "expected a command";
};
struct script : p::seq<ws, commands, p::must<script_end>> {};

}  // namespace mailroom::sieve::grammar
