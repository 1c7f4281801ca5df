// The "authenticate" stage of the pipeline (DESIGN.md): SPF, DKIM, DMARC and
// ARC through auth::authenticate(), then what the stored copy gets from it:
// one new Authentication-Results: field for the added headers, and every
// incoming field that claims our authserv-id renamed (RFC 8601 §5) without
// copying the message. The results stay in the pipeline for the spam and
// Sieve stages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deliver/envelope.hpp"
#include "mailroom/auth/authenticate.hpp"
#include "mailroom/dns/resolver.hpp"
#include "mailroom/dns/stub_resolver.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/config.hpp"

namespace mailroom::deliver {

struct AuthStageResult {
  auth::AuthResults results;  // with auth.enabled = false: only `forged`
  std::string added_header;   // "Authentication-Results: ...\n", or ""
  // The message to store: views into its buffer around each forged field
  // name, and auth::kForgedFieldName in their place (a renamed field keeps
  // its bytes, so a postmaster still sees what was claimed). Just the
  // message when nothing was forged.
  std::vector<std::string_view> message_pieces;
  std::string summary;  // "spf=pass dkim=pass dmarc=pass" for the delivery log
};

// auth.* of the configuration as auth::authenticate() takes it (which
// turns an empty authserv_id into the host name, and the DNS budget into
// each check's deadline: one place for each).
[[nodiscard]] auth::AuthConfig auth_config_from(const AuthenticationConfig& config);

// The client as the MTA told it; when it told nothing, the topmost
// Received: field if this host or auth.trusted_mta wrote it
// (received_client.hpp).
[[nodiscard]] auth::AuthInput auth_input_from(const Envelope& envelope,
                                              const message::Message& message,
                                              const AuthenticationConfig& config);

// What a Received: field says about the client: the HELO name and the IP.
struct ReceivedFrom {
  std::string helo;
  std::string ip;
  std::string by;
};
// Parses "from HELO (rdns [IP]) by HOST ..." (Postfix, Sendmail) and
// "from HOST ([IP] helo=HELO) by HOST ..." (Exim). nullopt when there is no
// "from" or no "by" clause.
[[nodiscard]] std::optional<ReceivedFrom> parse_received(std::string_view value);

// The network resolver of one delivery: the stub resolver is made by the
// first query only (a message whose upstream results are trusted, or a
// delivery with auth off, never pays for it). Deadlines are the caller's:
// auth::authenticate() gives each check its share of auth.dns_budget.
class DeliveryResolver final : public dns::Resolver {
 public:
  explicit DeliveryResolver(dns::StubOptions options) : options_(std::move(options)) {}

  Result<dns::Answer> query(std::string_view name, dns::RecordType type,
                            dns::Deadline deadline) override;
  void send_ahead(std::string_view name, dns::RecordType type) override;
  void while_waiting(std::function<void()> work) override;

  [[nodiscard]] bool used() const { return network_ != nullptr; }

 private:
  dns::StubOptions options_;
  std::unique_ptr<dns::StubResolver> network_;
};

// auth.dns_server and auth.dns_timeout as resolver options; `server`, when not
// empty, replaces auth.dns_server (`mailroom auth check --dns`).
[[nodiscard]] dns::StubOptions resolver_options(const AuthenticationConfig& config,
                                                std::string_view server = {});

// RFC 8601 §5: the raw message as pieces, with the name of each field in
// `forged` (indices into `headers`) replaced by `new_name`. Indices out of
// range, or fields whose name is not inside `raw`, are skipped.
[[nodiscard]] std::vector<std::string_view> rename_fields(
    std::string_view raw, std::span<const message::HeaderField> headers,
    std::span<const std::size_t> forged, std::string_view new_name);

// Who reads the results: `deliver` only renders them, `mailroom auth check`
// explains them too (auth::explain needs what a delivery can skip, such as
// the body hash of a signature whose key is missing).
enum class AuthPurpose : std::uint8_t { deliver, explain };

// The stage. `resolver` is asked only when checks need DNS: never with
// auth.enabled = false (forged fields are still renamed: a pass claimed in
// our name must not reach the user's filters), nor when a trusted upstream
// already checked.
[[nodiscard]] AuthStageResult authenticate_stage(const message::Message& message,
                                                 const Envelope& envelope,
                                                 const AuthenticationConfig& config,
                                                 dns::Resolver& resolver,
                                                 AuthPurpose purpose = AuthPurpose::explain);

}  // namespace mailroom::deliver
