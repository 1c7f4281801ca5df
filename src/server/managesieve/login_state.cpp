#include "server/managesieve/login_state.hpp"

#include <algorithm>
#include <cctype>

#include "server/managesieve/commands.hpp"
#include "server/pop3/authorization.hpp"

namespace mailroom::server::managesieve {
namespace {

LoginStep reply(std::string text) {
  return LoginStep{LoginStep::Action::reply, std::move(text), {}, {}};
}
LoginStep no(std::string_view code, std::string_view text) {
  return reply(response("NO", code, text));
}

}  // namespace

CapabilityState LoginState::capability_state() const {
  CapabilityState state;
  state.sasl_plain = plaintext_allowed();
  state.starttls = policy_.starttls_possible && !policy_.tls_active;
  state.max_redirects = policy_.max_redirects;
  return state;
}

std::string LoginState::greeting() const {
  return capabilities(capability_state()) + response("OK", "", "mailroom ManageSieve ready.");
}

// RFC 4616: [authzid] NUL authcid NUL passwd; we log in only as ourselves
// (no master users), so an authzid naming someone else is refused.
LoginStep LoginState::plain_response(const std::string& base64) {
  awaiting_response_ = false;
  if (base64 == "*") return no("", "Authentication cancelled.");  // §2.1
  auto decoded = base64.empty() ? std::optional<std::string>("") : pop3::decode_base64(base64);
  if (!decoded) return no("", "Bad base64 in the SASL response.");
  auto first = decoded->find('\0');
  auto second = first == std::string::npos ? first : decoded->find('\0', first + 1);
  if (second == std::string::npos || decoded->find('\0', second + 1) != std::string::npos)
    return no("", "SASL PLAIN: expected authzid NUL user NUL password.");
  std::string authzid = decoded->substr(0, first);
  std::string user = decoded->substr(first + 1, second - first - 1);
  if (user.empty() || (!authzid.empty() && authzid != user))
    return no("", "Authentication failed.");
  LoginStep step{LoginStep::Action::check_password, {}, user, decoded->substr(second + 1)};
  std::fill(decoded->begin(), decoded->end(), '\0');
  return step;
}

LoginStep LoginState::authenticate(const Event& event) {
  const auto& args = event.tokens;
  if (args.size() < 2 || args.size() > 3 || !all_strings(args, 1))
    return no("", "Usage: AUTHENTICATE \"PLAIN\" [initial-response]");
  if (!upper_equals(args[1].text, "PLAIN")) return no("", "Unsupported SASL mechanism.");
  // §2.1 and RFC 5804 §5: no plaintext password over an unprotected link.
  if (!plaintext_allowed())
    return no("ENCRYPT-NEEDED", "Plaintext authentication needs TLS first (STARTTLS).");
  if (args.size() == 3) return plain_response(args[2].text);
  awaiting_response_ = true;
  return reply("\"\"\r\n");
}

LoginStep LoginState::handle(const Event& event) {
  if (awaiting_response_) {
    if (event.kind == Event::Kind::error) {
      awaiting_response_ = false;
      return no(event.code, event.message);
    }
    if (event.tokens.size() != 1 || event.tokens[0].kind != Token::Kind::string) {
      awaiting_response_ = false;
      return no("", "Expected the SASL response as a string.");
    }
    return plain_response(event.tokens[0].text);
  }
  if (event.kind == Event::Kind::error) return no(event.code, event.message);
  auto name = command_name(event);
  if (name == "CAPABILITY" && event.tokens.size() == 1)
    return reply(capabilities(capability_state()) + response("OK", "", "Capability completed."));
  if (name == "NOOP") return reply(noop_reply(event));
  if (name == "LOGOUT")
    return LoginStep{LoginStep::Action::quit, response("OK", "", "Bye."), {}, {}};
  if (name == "STARTTLS" && event.tokens.size() == 1) {
    if (policy_.tls_active || !policy_.starttls_possible) return no("", "STARTTLS not available.");
    return LoginStep{
        LoginStep::Action::start_tls, response("OK", "", "Begin TLS negotiation now."), {}, {}};
  }
  if (name == "AUTHENTICATE") return authenticate(event);
  if (is_command(name)) return no("", "Authenticate first.");
  return no("", "Unknown command.");
}

}  // namespace mailroom::server::managesieve
