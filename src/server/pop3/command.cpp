#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include "mailroom/server/pop3.hpp"

namespace mailroom::server::pop3 {
namespace {

constexpr std::size_t kMaxArgument = 40;  // RFC 1939 section 3

struct Keyword {
  std::string_view name;
  Verb verb;
  std::size_t min_args;
  std::size_t max_args;
};

constexpr std::array<Keyword, 14> kKeywords{{
    {"USER", Verb::user, 1, 1},
    {"PASS", Verb::pass, 1, 1},
    {"QUIT", Verb::quit, 0, 0},
    {"STAT", Verb::stat, 0, 0},
    {"LIST", Verb::list, 0, 1},
    {"RETR", Verb::retr, 1, 1},
    {"DELE", Verb::dele, 1, 1},
    {"NOOP", Verb::noop, 0, 0},
    {"RSET", Verb::rset, 0, 0},
    {"TOP", Verb::top, 2, 2},
    {"UIDL", Verb::uidl, 0, 1},
    {"CAPA", Verb::capa, 0, 0},
    {"STLS", Verb::stls, 0, 0},
    {"AUTH", Verb::auth, 0, 2},
}};

tl::unexpected<Error> bad(std::string why) { return fail(ErrorKind::parse, std::move(why)); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == y;
         });
}

// A decimal number without sign or leading junk; "0" is allowed for TOP's
// line count only, the caller decides.
std::optional<std::size_t> number(std::string_view text) {
  std::size_t value = 0;
  if (text.empty() || text.size() > 10) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_spaces(std::string_view rest) {
  std::vector<std::string_view> out;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    out.push_back(rest.substr(0, space));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return out;
}

Result<Command> with_arguments(const Keyword& keyword, std::string_view rest) {
  Command command;
  command.verb = keyword.verb;
  if (keyword.verb == Verb::pass) {
    if (rest.empty()) return bad("PASS needs a password");
    command.text = std::string(rest);
    return command;
  }
  auto args = split_spaces(rest);
  if (args.size() < keyword.min_args || args.size() > keyword.max_args)
    return bad(std::string(keyword.name) + ": wrong number of arguments");
  for (std::size_t i = 0; i < args.size(); ++i) {
    // AUTH's initial response is bounded by the line length only (RFC 5034
    // section 4, RFC 2449 section 4), not by the 40 octets of section 3.
    bool initial_response = keyword.verb == Verb::auth && i == 1;
    if (args[i].empty() || (args[i].size() > kMaxArgument && !initial_response))
      return bad("bad argument");
  }
  switch (keyword.verb) {
    case Verb::user:
      command.text = std::string(args[0]);
      break;
    case Verb::auth:
      if (!args.empty()) command.text = std::string(args[0]);
      if (args.size() == 2) command.initial = std::string(args[1]);
      break;
    case Verb::top: {
      auto lines = number(args[1]);
      if (!lines) return bad("TOP: bad line count");
      command.lines = *lines;
      [[fallthrough]];
    }
    default:
      if (!args.empty()) {
        command.message = number(args[0]);
        if (!command.message || *command.message == 0) return bad("no such message");
      }
  }
  return command;
}

}  // namespace

Result<Command> parse_command(std::string_view line) {
  if (std::any_of(line.begin(), line.end(), [](char c) { return c == '\0'; }))
    return bad("NUL in command");
  auto space = line.find(' ');
  auto word = line.substr(0, space);
  std::string_view rest =
      space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  for (const auto& keyword : kKeywords)
    if (iequals(word, keyword.name)) return with_arguments(keyword, rest);
  return bad("unknown command");
}

std::string dot_stuff(std::string_view message, std::optional<std::size_t> body_lines) {
  std::string out;
  out.reserve(message.size() + message.size() / 32 + 8);
  bool in_body = false;
  std::size_t body_seen = 0;
  while (!message.empty()) {
    if (in_body && body_lines && body_seen >= *body_lines) break;
    auto lf = message.find('\n');
    auto line = message.substr(0, lf);
    message.remove_prefix(lf == std::string_view::npos ? message.size() : lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (in_body) ++body_seen;
    if (!in_body && line.empty()) in_body = true;
    if (!line.empty() && line.front() == '.') out += '.';
    out.append(line);
    out += "\r\n";
  }
  out += ".\r\n";
  return out;
}

}  // namespace mailroom::server::pop3
