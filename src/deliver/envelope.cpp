#include "deliver/envelope.hpp"

#include <cstdlib>

namespace mailroom::deliver {
namespace {

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::optional<std::string> first_of(const std::optional<std::string>& flag, const EnvLookup& env,
                                    std::initializer_list<const char*> names) {
  if (flag) return flag;
  for (const char* name : names)
    if (auto value = env(name)) return value;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): single-threaded start
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string normalize_sender(std::string_view text) {
  std::string address = trim(text);
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
    address = trim(std::string_view(address).substr(1, address.size() - 2));
  if (address == "MAILER-DAEMON") return {};
  return address;
}

Envelope make_envelope(const Request& request, const EnvLookup& env) {
  Envelope envelope;
  if (auto sender = first_of(request.sender, env, {"SENDER", "RETURN_PATH"}))
    envelope.sender = normalize_sender(*sender);
  envelope.final_recipient =
      normalize_sender(first_of(request.final_recipient, env, {"RECIPIENT"}).value_or(""));
  envelope.original_recipient = normalize_sender(
      first_of(request.original_recipient, env, {"ORIGINAL_RECIPIENT"}).value_or(""));
  if (envelope.original_recipient.empty()) envelope.original_recipient = envelope.final_recipient;
  if (envelope.final_recipient.empty()) envelope.final_recipient = envelope.original_recipient;
  // -m "" is ignored so that `-m ${extension}` works for mail without one.
  if (request.folder && !request.folder->empty()) envelope.folder = *request.folder;
  // Exim's LOCAL_PART_SUFFIX carries its separator ("+lists").
  envelope.extension = env("EXTENSION").value_or("");
  if (envelope.extension.empty()) {
    auto suffix = env("LOCAL_PART_SUFFIX").value_or("");
    if (!suffix.empty()) envelope.extension = suffix.substr(1);
  }
  envelope.client_address = env("CLIENT_ADDRESS").value_or("");
  envelope.client_helo = env("CLIENT_HELO").value_or("");
  return envelope;
}

}  // namespace mailroom::deliver
