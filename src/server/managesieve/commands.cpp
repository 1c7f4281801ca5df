#include "server/managesieve/commands.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace mailroom::server::managesieve {

std::string command_name(const Event& event) {
  if (event.tokens.empty() || event.tokens[0].kind != Token::Kind::atom) return {};
  std::string name = event.tokens[0].text;
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

bool all_strings(const std::vector<Token>& tokens, std::size_t from) {
  return std::all_of(tokens.begin() + static_cast<std::ptrdiff_t>(std::min(from, tokens.size())),
                     tokens.end(), [](const Token& t) { return t.kind == Token::Kind::string; });
}

bool upper_equals(std::string_view text, std::string_view upper) {
  return text.size() == upper.size() &&
         std::equal(text.begin(), text.end(), upper.begin(), [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

bool is_command(std::string_view name) {
  static constexpr std::array<std::string_view, 15> kCommands = {
      "AUTHENTICATE", "STARTTLS",     "LOGOUT",      "CAPABILITY",     "HAVESPACE",
      "PUTSCRIPT",    "CHECKSCRIPT",  "LISTSCRIPTS", "SETACTIVE",      "GETSCRIPT",
      "DELETESCRIPT", "RENAMESCRIPT", "NOOP",        "UNAUTHENTICATE", "LOGOUT"};
  return std::find(kCommands.begin(), kCommands.end(), name) != kCommands.end();
}

std::string noop_reply(const Event& event) {
  if (event.tokens.size() == 2 && event.tokens[1].kind == Token::Kind::string)
    return response("OK", "TAG " + sieve_string(event.tokens[1].text), "Done");
  if (event.tokens.size() != 1) return response("NO", "", "Usage: NOOP [tag]");
  return response("OK", "", "Done");
}

}  // namespace mailroom::server::managesieve
