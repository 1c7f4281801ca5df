#include "server/imap/not_authenticated.hpp"

#include "server/imap/capabilities.hpp"
#include "server/pop3/authorization.hpp"

namespace mailroom::server::imap {
namespace {

Step reply(std::string text) { return Step{Step::Action::reply, std::move(text), {}, {}, {}}; }
Step tagged(std::string_view tag, std::string_view text) {
  return reply(std::string(tag) + " " + std::string(text) + "\r\n");
}

// RFC 5530 PRIVACYREQUIRED: the same words as POP3's refusal.
constexpr std::string_view kNeedTls =
    "NO [PRIVACYREQUIRED] plaintext authentication needs TLS first (STARTTLS, or the IMAPS port)";

}  // namespace

std::string NotAuthenticated::greeting() const {
  CapaState state{false, policy_.starttls_possible && !policy_.tls_active, plaintext_allowed()};
  return "* OK [CAPABILITY " + capabilities(state) + "] mailroom IMAP4rev1 server ready\r\n";
}

// RFC 4616: [authzid] NUL authcid NUL passwd. We log in only as ourselves:
// an authzid naming another user is refused (no master users).
Step NotAuthenticated::plain(std::string_view base64) {
  std::string tag = std::exchange(auth_tag_, {});
  if (base64 == "*") return tagged(tag, "BAD AUTHENTICATE cancelled");  // RFC 3501 6.2.2
  auto decoded = base64 == "=" ? std::optional<std::string>("") : pop3::decode_base64(base64);
  if (!decoded) return tagged(tag, "BAD bad base64 in AUTHENTICATE PLAIN");
  auto first = decoded->find('\0');
  auto second = first == std::string::npos ? first : decoded->find('\0', first + 1);
  if (second == std::string::npos || decoded->find('\0', second + 1) != std::string::npos)
    return tagged(tag, "BAD AUTHENTICATE PLAIN: expected authzid NUL user NUL password");
  std::string authzid = decoded->substr(0, first);
  std::string user = decoded->substr(first + 1, second - first - 1);
  if (!authzid.empty() && authzid != user)
    return tagged(tag, "NO [AUTHORIZATIONFAILED] authorization identity refused");
  if (user.empty()) return tagged(tag, "NO [AUTHENTICATIONFAILED] empty user name");
  return Step{Step::Action::check_password, {}, tag, user, decoded->substr(second + 1)};
}

Step NotAuthenticated::auth_response(std::string_view line) { return plain(line); }

Step NotAuthenticated::handle(std::string_view text, const CommandLimits& limits) {
  std::string tag = "*";
  auto parsed = parse_command(text, limits, &tag);
  if (!parsed) return tagged(tag, "BAD " + parsed.error().message);
  return command(*parsed);
}

Step NotAuthenticated::command(const Command& c) {
  const auto& args = c.args;
  if (c.name == "CAPABILITY") {
    CapaState state{false, policy_.starttls_possible && !policy_.tls_active, plaintext_allowed()};
    return reply("* CAPABILITY " + capabilities(state) + "\r\n" + c.tag +
                 " OK CAPABILITY done\r\n");
  }
  if (c.name == "NOOP") return tagged(c.tag, "OK NOOP done");
  if (c.name == "LOGOUT")
    return Step{
        Step::Action::logout, "* BYE logging out\r\n" + c.tag + " OK LOGOUT done\r\n", {}, {}, {}};
  if (c.name == "ID")  // RFC 2971: any state; we say who we are, not what version
    return reply("* ID (\"name\" \"mailroom\")\r\n" + c.tag + " OK ID done\r\n");
  if (c.name == "STARTTLS") {
    if (policy_.tls_active || !policy_.starttls_possible)
      return tagged(c.tag, "BAD STARTTLS not available");
    return Step{Step::Action::start_tls, c.tag + " OK begin TLS negotiation now\r\n", {}, {}, {}};
  }
  if (c.name == "LOGIN") {
    if (args.size() != 2 || !args[0].is_astring() || !args[1].is_astring())
      return tagged(c.tag, "BAD LOGIN needs a user name and a password");
    if (!plaintext_allowed()) return tagged(c.tag, kNeedTls);
    return Step{Step::Action::check_password, {}, c.tag, args[0].text, args[1].text};
  }
  if (c.name == "AUTHENTICATE") {
    if (args.empty() || args.size() > 2 || args[0].kind != Value::Kind::atom)
      return tagged(c.tag, "BAD AUTHENTICATE needs a mechanism");
    std::string mechanism = args[0].text;
    for (auto& ch : mechanism) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (mechanism != "PLAIN") return tagged(c.tag, "NO unsupported SASL mechanism");
    if (!plaintext_allowed()) return tagged(c.tag, kNeedTls);
    auth_tag_ = c.tag;
    if (args.size() == 2) return plain(args[1].text);  // SASL-IR, RFC 4959
    return Step{Step::Action::auth_continue, "+ \r\n", {}, {}, {}};
  }
  return tagged(c.tag, "BAD " + c.name + " is not valid before login");
}

std::string refusal(std::string_view tag, Refusal reason) {
  std::string_view words = reason == Refusal::throttled
                               ? "[AUTHENTICATIONFAILED] too many failed logins, try again later"
                           : reason == Refusal::temporary
                               ? "[UNAVAILABLE] cannot log in now, try again later"
                               : "[AUTHENTICATIONFAILED] invalid user name or password";
  return std::string(tag) + " NO " + std::string(words) + "\r\n";
}

}  // namespace mailroom::server::imap
