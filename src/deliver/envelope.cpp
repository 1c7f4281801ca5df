#include "deliver/envelope.hpp"

#include <cstdlib>

#include "mailroom/util/host.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {
namespace {

// The flag when given (even "": -f "" is the null sender), else the first
// of the environment variables that is set.
std::optional<std::string> first_of(const std::optional<std::string>& flag, const EnvLookup& env,
                                    std::initializer_list<const char*> names) {
  if (flag) return flag;
  for (const char* name : names)
    if (auto value = env(name)) return value;
  return std::nullopt;
}

// A client flag that an MTA expanded to "" (mail submitted locally) is as
// good as absent.
std::string client_value(const std::optional<std::string>& flag, const EnvLookup& env,
                         const char* name) {
  if (flag && !flag->empty()) return *flag;
  return env(name).value_or("");
}

// EXTENSION (Postfix local(8), without the delimiter), else Exim's
// LOCAL_PART_SUFFIX (with it: "+lists"), else the recipient address itself.
std::string find_detail(const Envelope& envelope, const EnvLookup& env, char separator) {
  if (auto extension = env("EXTENSION"); extension && !extension->empty()) return *extension;
  if (auto suffix = env("LOCAL_PART_SUFFIX"); suffix && !suffix->empty())
    return suffix->front() == separator ? suffix->substr(1) : *suffix;
  auto detail = detail_of(envelope.original_recipient, separator);
  return detail.empty() ? detail_of(envelope.final_recipient, separator) : detail;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded start
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string normalize_sender(std::string_view text) {
  std::string address = std::string(trim_space(text));
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
    address = std::string(trim_space(std::string_view(address).substr(1, address.size() - 2)));
  if (address == "MAILER-DAEMON") return {};
  return address;
}

std::string detail_of(std::string_view address, char separator) {
  auto at = address.rfind('@');
  auto local = address.substr(0, at);
  auto cut = local.find(separator);
  if (cut == std::string_view::npos) return {};
  return std::string(local.substr(cut + 1));
}

Envelope make_envelope(const Request& request, const EnvLookup& env, char detail_separator,
                       std::string_view host) {
  Envelope envelope;
  if (auto sender = first_of(request.sender, env, {"SENDER", "RETURN_PATH"}))
    envelope.sender = normalize_sender(*sender);
  envelope.final_recipient =
      normalize_sender(first_of(request.final_recipient, env, {"RECIPIENT"}).value_or(""));
  envelope.original_recipient = normalize_sender(
      first_of(request.original_recipient, env, {"ORIGINAL_RECIPIENT"}).value_or(""));
  if (envelope.original_recipient.empty()) envelope.original_recipient = envelope.final_recipient;
  if (envelope.final_recipient.empty()) envelope.final_recipient = envelope.original_recipient;
  // `-d user` alone (Sendmail's local mailer): the recipient is user@host,
  // as dovecot-lda makes it, so Delivered-To still guards against loops.
  if (envelope.final_recipient.empty() && request.user && !request.user->empty()) {
    const std::string& user = *request.user;
    envelope.final_recipient =
        user.find('@') != std::string::npos
            ? user
            : user + "@" + std::string(host.empty() ? std::string_view(host_name()) : host);
    envelope.original_recipient = envelope.final_recipient;
  }
  // -m "" is ignored so that `-m ${extension}` works for mail without one.
  if (request.folder && !request.folder->empty()) envelope.folder = *request.folder;
  envelope.detail = find_detail(envelope, env, detail_separator);
  envelope.client_address = client_value(request.client_address, env, "CLIENT_ADDRESS");
  envelope.client_helo = client_value(request.client_helo, env, "CLIENT_HELO");
  envelope.client_hostname = env("CLIENT_HOSTNAME").value_or("");
  if (envelope.client_hostname == "unknown") envelope.client_hostname.clear();
  return envelope;
}

}  // namespace mailroom::deliver
