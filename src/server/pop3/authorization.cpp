#include "server/pop3/authorization.hpp"

#include <algorithm>
#include <cctype>

#include "mailroom/server/pop3.hpp"

namespace mailroom::server::pop3 {
namespace {

Step reply(std::string text) { return Step{Step::Action::reply, std::move(text), {}, {}}; }
Step err(std::string_view text) { return reply("-ERR " + std::string(text) + "\r\n"); }

constexpr std::string_view kNeedTls =
    "[AUTH] plaintext authentication needs TLS first (STLS, or the POP3S port)";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == y;
         });
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + static_cast<std::size_t>(k)];
      bool last_group = i + 4 == text.size();
      if (c == '=' && last_group && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[k] = base64_value(c);
      if (v[k] < 0) return std::nullopt;
    }
    unsigned triple = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                      (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    out += static_cast<char>((triple >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((triple >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(triple & 0xff);
  }
  return out;
}

// RFC 4616: [authzid] NUL authcid NUL passwd. We log in only as ourselves:
// an authzid naming another user is refused (no master users).
Step Authorization::plain_response(std::string_view base64) {
  awaiting_plain_ = false;
  if (base64 == "*") return err("AUTH cancelled");  // RFC 5034 section 4
  auto decoded = base64 == "=" ? std::optional<std::string>("") : decode_base64(base64);
  if (!decoded) return err("bad base64 in AUTH PLAIN");
  auto first = decoded->find('\0');
  auto second = first == std::string::npos ? first : decoded->find('\0', first + 1);
  if (second == std::string::npos || decoded->find('\0', second + 1) != std::string::npos)
    return err("AUTH PLAIN: expected authzid NUL user NUL password");
  std::string authzid = decoded->substr(0, first);
  std::string user = decoded->substr(first + 1, second - first - 1);
  if (!authzid.empty() && authzid != user) return err("[AUTH] authorization identity refused");
  if (user.empty()) return err("[AUTH] empty user name");
  return Step{Step::Action::check_password, {}, user, decoded->substr(second + 1)};
}

Step Authorization::auth(const std::string& mechanism, const std::optional<std::string>& initial) {
  if (mechanism.empty())  // RFC 1734 style listing, which some clients ask for
    return reply(plaintext_allowed() ? "+OK\r\nPLAIN\r\n.\r\n" : "+OK\r\n.\r\n");
  if (!iequals(mechanism, "PLAIN")) return err("unsupported SASL mechanism");
  if (!plaintext_allowed()) return err(kNeedTls);
  if (initial) return plain_response(*initial);
  awaiting_plain_ = true;
  return reply("+ \r\n");
}

Step Authorization::handle(std::string_view line) {
  if (awaiting_plain_) return plain_response(line);
  auto command = parse_command(line);
  if (!command) return err(command.error().message);
  switch (command->verb) {
    case Verb::capa:
      return reply(capabilities(
          CapaState{false, policy_.stls_possible && !policy_.tls_active, plaintext_allowed()}));
    case Verb::stls:
      if (policy_.tls_active || !policy_.stls_possible) return err("STLS not available");
      return Step{Step::Action::start_tls, "+OK begin TLS negotiation\r\n", {}, {}};
    case Verb::user:
      if (!plaintext_allowed()) return err(kNeedTls);
      user_ = command->text;
      return reply("+OK\r\n");
    case Verb::pass: {
      if (!plaintext_allowed()) return err(kNeedTls);
      if (user_.empty()) return err("USER first");
      Step step{Step::Action::check_password, {}, std::exchange(user_, {}), command->text};
      return step;
    }
    case Verb::auth:
      return auth(command->text, command->initial);
    case Verb::quit:
      return Step{Step::Action::quit, "+OK bye\r\n", {}, {}};
    default:
      return err("log in first");
  }
}

}  // namespace mailroom::server::pop3
