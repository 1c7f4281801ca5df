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
  // The recipient's detail, RFC 5233 §4 ("lists" of bob+lists@): what the
  // Sieve `subaddress` extension's :detail reads. "" when there is none.
  std::string detail;
  std::string client_address;
  std::string client_helo;
  // CLIENT_HOSTNAME (Postfix): the client's verified name, "" when the MTA
  // gave none or "unknown". Sieve's environment "remote-host" (RFC 5183).
  std::string client_hostname;
};

using EnvLookup = std::function<std::optional<std::string>(const char*)>;

// Reads the process environment.
[[nodiscard]] std::optional<std::string> process_env(const char* name);

// `detail_separator` is deliver.detail_separator; `host` names this machine
// in the recipient of a bare `-d user` (dovecot-lda's user@hostname).
[[nodiscard]] Envelope make_envelope(const Request& request, const EnvLookup& env,
                                     char detail_separator = '+', std::string_view host = {});

// An address as MTAs pass it: strip surrounding <>, spaces; "MAILER-DAEMON"
// and "<>" are the null sender.
[[nodiscard]] std::string normalize_sender(std::string_view text);

// RFC 5233 §4: the detail of `address`, the local part after the first
// `separator` ("lists" of "bob+lists@example.net"); "" without one.
[[nodiscard]] std::string detail_of(std::string_view address, char separator);

}  // namespace mailroom::deliver
