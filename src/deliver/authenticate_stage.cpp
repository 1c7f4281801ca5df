#include "deliver/authenticate_stage.hpp"

#include <unistd.h>

#include <array>
#include <utility>

#include "deliver/received_client.hpp"
#include "mailroom/dns/ip_address.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {
namespace {

// The words of a Received: value outside comments, up to the ';' before the
// date, and the text of the comments that follow the "from" clause (where
// MTAs put the client's reverse name, [IP] and Exim's helo=).
struct ReceivedWords {
  std::vector<std::string> words;
  std::string from_comments;
};

ReceivedWords split_received(std::string_view text) {
  ReceivedWords out;
  std::string word;
  int depth = 0;
  bool in_from_clause = false;
  auto flush = [&] {
    if (word.empty()) return;
    if (iequals(word, "from"))
      in_from_clause = true;
    else if (iequals(word, "by"))
      in_from_clause = false;
    out.words.push_back(std::move(word));
    word.clear();
  };
  for (char c : text) {
    if (c == '(' || c == ')') {
      flush();
      depth = c == '(' ? depth + 1 : std::max(depth - 1, 0);
      if (in_from_clause) out.from_comments += ' ';
    } else if (depth > 0) {
      if (in_from_clause) out.from_comments += c;
    } else if (c == ';') {
      break;
    } else if (is_space(c)) {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

// "[192.0.2.1]" or "[IPv6:2001:db8::1]" somewhere in `text`, as an address.
std::string bracketed_ip(std::string_view text) {
  auto open = text.find('[');
  auto close = text.find(']', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return {};
  auto inside = text.substr(open + 1, close - open - 1);
  if (inside.size() > 5 && iequals(inside.substr(0, 5), "IPv6:")) inside.remove_prefix(5);
  auto ip = dns::IpAddress::parse(inside);
  return ip ? ip->to_string() : std::string{};
}

// Exim's "helo=NAME" inside the from clause's comment.
std::string exim_helo(std::string_view comments) {
  auto at = comments.find("helo=");
  if (at == std::string_view::npos) return {};
  auto rest = comments.substr(at + 5);
  std::size_t end = 0;
  while (end < rest.size() && !is_space(rest[end])) ++end;
  return std::string(rest.substr(0, end));
}

}  // namespace

std::optional<ReceivedFrom> parse_received(std::string_view value) {
  auto parts = split_received(message::unfold(value));
  const auto& words = parts.words;
  if (words.size() < 2 || !iequals(words[0], "from")) return std::nullopt;
  ReceivedFrom out;
  for (std::size_t i = 2; i + 1 < words.size() && out.by.empty(); ++i)
    if (iequals(words[i], "by")) out.by = words[i + 1];
  if (out.by.empty()) return std::nullopt;
  out.helo = words[1];
  out.ip = bracketed_ip(parts.from_comments);
  if (out.ip.empty()) out.ip = bracketed_ip(words[1]);  // "from [192.0.2.1]"
  if (auto helo = exim_helo(parts.from_comments); !helo.empty()) out.helo = helo;
  if (!out.helo.empty() && out.helo.front() == '[') out.helo.clear();  // no name was given
  return out;
}

auth::AuthConfig auth_config_from(const AuthenticationConfig& config) {
  auth::AuthConfig out;
  out.enabled = config.enabled;
  out.authserv_id = config.authserv_id;  // auth::authenticate() defaults it
  out.trusted_authserv_ids = config.trusted_authserv_ids;
  out.psl_path = config.psl_path;
  out.dns_timeout = config.dns_timeout;
  out.dns_budget = config.dns_budget;
  return out;
}

auth::AuthInput auth_input_from(const Envelope& envelope, const message::Message& message,
                                const AuthenticationConfig& config) {
  auth::AuthInput input{envelope.client_address, envelope.client_helo, envelope.sender};
  // With authentication off nothing reads the client; without a Received:
  // field there is none to find. Either way /etc/hosts (the FQDN among
  // received_by_names) is not read: 4 of a `mailroom lmtp` delivery's
  // ~50 system calls (perf trace, bench/lmtp).
  if (!input.client_ip.empty() || !config.enabled || message.find("Received") == nullptr)
    return input;
  // Only the field our own MTA wrote can be believed (received_client.hpp).
  if (auto received = client_from_received(message, received_by_names(config))) {
    input.client_ip = received->ip;
    if (input.helo.empty()) input.helo = received->helo;
  }
  return input;
}

Result<dns::Answer> DeliveryResolver::query(std::string_view name, dns::RecordType type,
                                            dns::Deadline deadline) {
  if (!network_) network_ = std::make_unique<dns::StubResolver>(options_);
  return network_->query(name, type, deadline);
}

void DeliveryResolver::send_ahead(std::string_view name, dns::RecordType type) {
  if (!network_) network_ = std::make_unique<dns::StubResolver>(options_);
  network_->send_ahead(name, type);
}

// Only a channel that exists will wait; without one there is nothing to
// overlap the work with.
void DeliveryResolver::while_waiting(std::function<void()> work) {
  if (network_) network_->while_waiting(std::move(work));
}

dns::StubOptions resolver_options(const AuthenticationConfig& config, std::string_view server) {
  dns::StubOptions options;
  options.servers = server.empty() ? config.dns_server : std::string(server);
  options.query_timeout = config.dns_timeout;
  return options;
}

std::vector<std::string_view> rename_fields(std::string_view raw,
                                            std::span<const message::HeaderField> headers,
                                            std::span<const std::size_t> forged,
                                            std::string_view new_name) {
  std::vector<std::string_view> pieces;
  std::size_t done = 0;  // bytes of raw already in pieces
  for (std::size_t index = 0; index < headers.size(); ++index) {
    // Header order is buffer order, so one pass in index order splices
    // front to back.
    bool is_forged = false;
    for (auto f : forged) is_forged = is_forged || f == index;
    if (!is_forged) continue;
    const auto& name = headers[index].name;
    if (name.data() < raw.data() || name.data() + name.size() > raw.data() + raw.size()) continue;
    auto start = static_cast<std::size_t>(name.data() - raw.data());
    if (start < done) continue;
    pieces.push_back(raw.substr(done, start - done));
    pieces.push_back(new_name);
    done = start + name.size();
  }
  pieces.push_back(raw.substr(done));
  return pieces;
}

AuthStageResult authenticate_stage(const message::Message& message, const Envelope& envelope,
                                   const AuthenticationConfig& config, dns::Resolver& resolver,
                                   AuthPurpose purpose) {
  AuthStageResult out;
  auth::AuthConfig auth_config = auth_config_from(config);
  auth_config.hash_body_without_key = purpose == AuthPurpose::explain;
  out.results = auth::authenticate(message, auth_input_from(envelope, message, config), resolver,
                                   auth_config);
  const auto& results = out.results;
  if (config.enabled && !results.header_value.empty())
    out.added_header = "Authentication-Results: " + results.header_value + "\n";
  out.message_pieces =
      results.forged.empty()
          ? std::vector<std::string_view>{message.raw()}
          : rename_fields(message.raw(), message.headers(), results.forged, auth::kForgedFieldName);
  out.summary = config.enabled ? auth::summarize(results) : "off";
  return out;
}

}  // namespace mailroom::deliver
