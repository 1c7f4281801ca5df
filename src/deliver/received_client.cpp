#include "deliver/received_client.hpp"

#include <fstream>

#include "deliver/authenticate_stage.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/util/host.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {
namespace {

std::vector<std::string> words_of(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto begin = text.find_first_not_of(separators, at);
    if (begin == std::string_view::npos) break;
    auto end = text.find_first_of(separators, begin);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(begin, end - begin));
    at = end;
  }
  return out;
}

// hosts(5): "address canonical_name [aliases...]", '#' starts a comment.
std::string canonical_name(std::string_view hosts_file, std::string_view host) {
  std::ifstream in{std::string(hosts_file)};
  std::string line;
  while (std::getline(in, line)) {
    auto names = words_of(std::string_view(line).substr(0, line.find('#')), " \t");
    for (std::size_t i = 1; i < names.size(); ++i)
      if (iequals(names[i], host)) return names[1];
  }
  return {};
}

}  // namespace

std::vector<std::string> received_by_names(const AuthenticationConfig& config,
                                           std::string_view hosts_file) {
  std::vector<std::string> names{host_name()};
  if (auto fqdn = canonical_name(hosts_file, host_name()); !fqdn.empty()) names.push_back(fqdn);
  if (!config.authserv_id.empty()) names.push_back(config.authserv_id);
  for (auto& name : words_of(config.trusted_mta, " \t,")) names.push_back(std::move(name));
  return names;
}

std::optional<ReceivedClient> client_from_received(const message::Message& message,
                                                   const std::vector<std::string>& by_names) {
  const auto* topmost = message.find("Received");
  if (topmost == nullptr) return std::nullopt;
  auto received = parse_received(topmost->value);
  if (!received || received->ip.empty()) return std::nullopt;
  for (const auto& name : by_names)
    if (iequals(received->by, name)) return ReceivedClient{received->ip, received->helo};
  return std::nullopt;
}

}  // namespace mailroom::deliver
