#include "ask_ahead.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "address_domain.hpp"
#include "mailroom/auth/dkim_signature.hpp"
#include "mailroom/auth/dmarc.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

// RFC 7208 §2.4 and §2.3: MAIL FROM's domain, or HELO for a null sender
// (empty or "<>", as check_mail_from reads it).
void ask_spf(const AuthInput& input, dns::Resolver& resolver) {
  if (input.client_ip.empty()) return;
  const bool null_sender = !input.mail_from || input.mail_from->empty() || *input.mail_from == "<>";
  std::string_view domain =
      null_sender ? std::string_view(input.helo) : domain_part(*input.mail_from);
  if (!domain.empty()) resolver.send_ahead(domain, dns::RecordType::txt);
}

std::optional<SignatureKind> signature_kind(const message::HeaderField& field) {
  if (iequals(field.name, "DKIM-Signature")) return SignatureKind::dkim;
  if (iequals(field.name, "ARC-Message-Signature")) return SignatureKind::arc_message;
  return std::nullopt;
}

// The parses stay in `signed_message` for the verifier (SignedMessage::signature).
void ask_keys(SignedMessage& signed_message, const DkimLimits& limits, dns::Resolver& resolver) {
  std::size_t signatures = 0;
  const auto headers = signed_message.headers();
  for (std::size_t index = 0; index < headers.size(); ++index) {
    auto kind = signature_kind(headers[index]);
    if (!kind) continue;
    if (++signatures > limits.max_signatures) break;
    const auto& signature = signed_message.signature(index, *kind, limits);
    if (!signature) continue;  // the verifier will say why
    resolver.send_ahead(signature->selector + "._domainkey." + signature->domain,
                        dns::RecordType::txt);
  }
}

void ask_dmarc(const message::Message& message, dns::Resolver& resolver) {
  auto from = author_domain(message);
  if (from) resolver.send_ahead("_dmarc." + *from, dns::RecordType::txt);
}

}  // namespace

void ask_ahead(const message::Message& message, SignedMessage& signed_message,
               const DkimLimits& limits, const AuthInput& input, dns::Resolver& resolver) {
  ask_spf(input, resolver);
  ask_keys(signed_message, limits, resolver);
  ask_dmarc(message, resolver);
}

std::size_t count_signatures(const message::Message& message) {
  std::size_t n = 0;
  for (const auto& field : message.headers()) n += signature_kind(field) ? 1 : 0;
  return n;
}

}  // namespace mailroom::auth
