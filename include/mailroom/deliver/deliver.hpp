// The delivery pipeline's one entry point (DESIGN.md, "One message, end to
// end"): the CLI fills a Request from argv, calls deliver(), and exits with
// the Outcome's code. Nothing thrown crosses this boundary.
#pragma once

#include <optional>
#include <string>

#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

// What the MTA told us on the command line (dovecot-lda compatible flags).
// Empty optionals fall back to the MTA's environment (envelope.cpp).
struct Request {
  std::optional<std::string> user;                // -d
  std::optional<std::string> sender;              // -f
  std::optional<std::string> original_recipient;  // -a
  std::optional<std::string> final_recipient;     // -r
  std::optional<std::string> folder;              // -m ("" is ignored: -m ${extension})
  bool reject_to_stderr = false;                  // -e
  std::optional<std::string> input_path;          // -p, else stdin
  std::optional<std::string> client_address;      // --client-address ("" = not known)
  std::optional<std::string> client_helo;         // --client-helo
};

struct Outcome {
  int exit_code = 0;   // sysexits: 0, 64, 67, 75, 77
  std::string reason;  // one line for the MTA's log (stderr); empty when delivered
};

[[nodiscard]] Outcome deliver(const Request& request, const Config& config) noexcept;

}  // namespace mailroom::deliver
