// The envelope of one delivery: flags first, then the MTA's environment
// (Postfix and OpenSMTPD: SENDER RECIPIENT ORIGINAL_RECIPIENT EXTENSION
// CLIENT_ADDRESS CLIENT_HELO; Exim: SENDER/RETURN_PATH, RECIPIENT,
// LOCAL_PART_SUFFIX), then the mbox From_ line for the sender.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "mailroom/deliver/deliver.hpp"

namespace mailroom::deliver {

struct Envelope {
  std::optional<std::string> sender;  // "" is the null sender <>
  std::string original_recipient;     // what `envelope "to"` sees
  std::string final_recipient;        // what Delivered-To: names
  std::string folder;                 // -m; "" = default folder
  std::string extension;              // the +detail of the recipient, for rules
  std::string client_address;
  std::string client_helo;
};

using EnvLookup = std::function<std::optional<std::string>(const char*)>;

// Reads the process environment.
[[nodiscard]] std::optional<std::string> process_env(const char* name);

[[nodiscard]] Envelope make_envelope(const Request& request, const EnvLookup& env);

// An address as MTAs pass it: strip surrounding <>, spaces; "MAILER-DAEMON"
// and "<>" are the null sender.
[[nodiscard]] std::string normalize_sender(std::string_view text);

}  // namespace mailroom::deliver
