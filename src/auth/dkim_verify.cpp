// RFC 6376 §6: verifying each DKIM-Signature of a message.
#include "mailroom/auth/dkim_verify.hpp"

#include <algorithm>
#include <cstring>

#include "canon.hpp"
#include "dkim_verifier_impl.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

// When the signature did not parse, report what can still be read of it.
void fill_best_effort(DkimResult& r, std::string_view value, const DkimLimits& limits) {
  auto tags = parse_tag_list(value, limits.tags);
  if (!tags) return;
  if (const Tag* d = tags->find("d")) r.domain = std::string(d->value);
  if (const Tag* s = tags->find("s")) r.selector = std::string(s->value);
  if (const Tag* a = tags->find("a")) r.algorithm = std::string(a->value);
  if (const Tag* i = tags->find("i")) r.identity = std::string(i->value);
}

// RFC 6008 header.b: enough of b= to tell two signatures of one domain apart.
std::string signature_prefix(const std::string& signature) {
  std::string text(4 * ((signature.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),             // NOLINT
                          reinterpret_cast<const unsigned char*>(signature.data()),  // NOLINT
                          static_cast<int>(signature.size()));
  text.resize(static_cast<std::size_t>(std::min(n, 8)));
  return text;
}

void fill(DkimResult& r, const DkimSignature& sig) {
  r.signature_prefix = signature_prefix(sig.signature);
  r.domain = sig.domain;
  r.selector = sig.selector;
  r.algorithm = sig.algorithm_name;
  r.identity = sig.identity;
  r.signed_headers = sig.signed_headers;
  r.length = sig.length;
}

DkimResult& finish(DkimResult& r, DkimStatus status, std::string reason) {
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

// The checks that need neither DNS nor hashing: RFC 8301 §3.1, §6.1.1
// (expiry), local policy on l=.
bool refused_early(const DkimSignature& sig, const DkimOptions& opt, std::int64_t now,
                   DkimResult& r) {
  if (sig.algorithm == SignatureAlgorithm::rsa_sha1) {
    finish(r, DkimStatus::permerror, "rsa-sha1 signatures are no longer accepted (RFC 8301 §3.1)");
    return true;
  }
  if (sig.expiration && static_cast<std::int64_t>(*sig.expiration) + opt.clock_skew < now) {
    finish(r, DkimStatus::permerror,
           "the signature expired (x=" + std::to_string(*sig.expiration) + ")");
    return true;
  }
  if (sig.timestamp && static_cast<std::int64_t>(*sig.timestamp) > now + opt.clock_skew) {
    finish(r, DkimStatus::permerror, "the signature's t= is in the future");
    return true;
  }
  if (sig.length && !opt.accept_body_length) {
    finish(r, DkimStatus::policy,
           "the signature covers only part of the body (l=), refused by "
           "local policy");
    return true;
  }
  return false;
}

bool same_digest(const BodyDigest& d, const std::string& expected) {
  return expected.size() == d.size() && std::memcmp(d.data(), expected.data(), d.size()) == 0;
}

DkimResult& check_body_and_headers(DkimVerifier::Impl& impl, SignedMessage& msg,
                                   const DkimSignature& sig, const KeyLookup& keys,
                                   std::size_t index, DkimResult& r) {
  const auto& bh = msg.body_hash(sig.body_canon, sig.length);
  if (sig.length && *sig.length > bh.canonical_length) {
    return finish(r, DkimStatus::permerror,
                  "l=" + std::to_string(*sig.length) + " is longer than the canonical body (" +
                      std::to_string(bh.canonical_length) + " bytes)");
  }
  r.body_hash_matches = same_digest(bh.digest, sig.body_hash);
  if (!*r.body_hash_matches) {
    return finish(r, DkimStatus::fail, "body hash mismatch: the body changed after signing");
  }
  std::string data = header_hash_input(msg.headers(), sig, index);
  if (!impl.verify_any(keys, sig.algorithm, data, sig.signature, r.key_bits)) {
    return finish(r, DkimStatus::fail,
                  "signature did not verify: a signed header field changed after signing");
  }
  std::string why = "signature verified";
  if (sig.length && *sig.length < bh.canonical_length) {
    why += "; only the first " + std::to_string(*sig.length) + " of " +
           std::to_string(bh.canonical_length) + " body bytes are signed (l=)";
  }
  return finish(r, DkimStatus::pass, why);
}

}  // namespace

std::string_view to_string(DkimStatus s) noexcept {
  switch (s) {
    case DkimStatus::pass:
      return "pass";
    case DkimStatus::fail:
      return "fail";
    case DkimStatus::neutral:
      return "neutral";
    case DkimStatus::policy:
      return "policy";
    case DkimStatus::temperror:
      return "temperror";
    case DkimStatus::permerror:
      return "permerror";
  }
  return "permerror";
}

SignedMessage::SignedMessage(std::span<const message::HeaderField> headers, std::string_view body)
    : headers_(headers), body_(body) {}

SignedMessage::SignedMessage(const message::Message& message)
    : SignedMessage(message.headers(), message.body()) {}

const TagResult<DkimSignature>& SignedMessage::signature(std::size_t index, SignatureKind kind,
                                                         const DkimLimits& limits) {
  for (const auto& p : parsed_)
    if (p.index == index && p.kind == kind && p.limits == limits) return p.signature;
  return parsed_
      .emplace_back(
          Parsed{index, kind, limits, parse_dkim_signature(headers_[index].value, kind, limits)})
      .signature;
}

const SignedMessage::BodyHash& SignedMessage::body_hash(Canonicalization c,
                                                        std::optional<std::uint64_t> length) {
  for (const auto& e : cache_) {
    if (e.canon == c && e.length == length) return e.hash;
  }
  Sha256Sink sink(length);
  BodyHash h;
  h.canonical_length = canon::body(body_, c, sink);
  h.digest = sink.finish();
  cache_.push_back(Entry{c, length, h});
  return cache_.back().hash;
}

void append_without_b(const message::HeaderField& field, Canonicalization c, std::size_t b_begin,
                      std::size_t b_end, std::string& out) {
  if (c == Canonicalization::relaxed) {
    std::string value(field.value);
    value.erase(b_begin, b_end - b_begin);
    canon::header_relaxed(field.name, value, out);
  } else {
    std::string raw(field.raw);
    auto shift = static_cast<std::size_t>(field.value.data() - field.raw.data());
    raw.erase(shift + b_begin, b_end - b_begin);
    canon::header_simple(raw, out);
  }
  // §3.7: the signature field is hashed without its final CRLF.
  if (out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0) out.resize(out.size() - 2);
}

std::string header_hash_input(std::span<const message::HeaderField> headers,
                              const DkimSignature& sig, std::size_t field_index) {
  std::string data;
  std::vector<bool> used(headers.size(), false);
  used[field_index] = true;  // the field being verified did not exist when it was signed
  auto names = sig.signed_headers;
  // Like dkimpy (Debian bug #644046): a second From field that h= does not
  // cover is hashed too, so adding one above the signed From breaks the
  // signature instead of fooling a reader that shows the top one.
  for (const auto& n : sig.signed_headers) {
    if (iequals(n, "from")) {
      names.emplace_back("from");
      break;
    }
  }
  for (const auto& name : names) {
    for (std::size_t j = headers.size(); j-- > 0;) {
      if (used[j] || !iequals(headers[j].name, name)) continue;
      used[j] = true;
      if (sig.header_canon == Canonicalization::relaxed) {
        canon::header_relaxed(headers[j].name, headers[j].value, data);
      } else {
        canon::header_simple(headers[j].raw, data);
      }
      break;
    }
  }
  append_without_b(headers[field_index], sig.header_canon, sig.b_begin, sig.b_end, data);
  return data;
}

DkimVerifier::DkimVerifier(KeyFetcher fetcher, DkimOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->fetcher = std::move(fetcher);
  impl_->options = std::move(options);
}

DkimVerifier::~DkimVerifier() = default;
DkimVerifier::DkimVerifier(DkimVerifier&&) noexcept = default;
DkimVerifier& DkimVerifier::operator=(DkimVerifier&&) noexcept = default;

const DkimOptions& DkimVerifier::options() const noexcept { return impl_->options; }

DkimResult DkimVerifier::verify_field(SignedMessage& msg, std::size_t index, SignatureKind kind) {
  try {
    return check_field(msg, index, kind);
  } catch (const std::exception& e) {  // out of memory: no exception leaves the module
    DkimResult r;
    r.field_index = index;
    return finish(r, DkimStatus::temperror, std::string("verification aborted: ") + e.what());
  }
}

DkimResult DkimVerifier::check_field(SignedMessage& msg, std::size_t index, SignatureKind kind) {
  DkimResult r;
  r.field_index = index;
  const auto& field = msg.headers()[index];
  const auto& opt = impl_->options;
  const auto& sig = msg.signature(index, kind, opt.limits);
  if (!sig) {
    fill_best_effort(r, field.value, opt.limits);
    return finish(r, DkimStatus::permerror, "signature syntax: " + sig.error().describe());
  }
  fill(r, *sig);
  if (refused_early(*sig, opt, impl_->now(), r)) return r;
  auto keys = impl_->lookup_keys(sig->domain, sig->selector, sig->algorithm,
                                 kind == SignatureKind::dkim ? sig->identity : "");
  r.key_bits = keys.rejected_bits;
  if (keys.status != DkimStatus::pass) {
    // The body hash needs no key; with none (DNS down, no record) it still
    // tells a postmaster whether the body survived (issue 11).
    if (opt.hash_body_without_key) {
      const auto& bh = msg.body_hash(sig->body_canon, sig->length);
      if (!sig->length || *sig->length <= bh.canonical_length)
        r.body_hash_matches = same_digest(bh.digest, sig->body_hash);
    }
    return finish(r, keys.status, keys.reason);
  }
  r.key_testing = keys.testing;
  check_body_and_headers(*impl_, msg, *sig, keys, index, r);
  // RFC 6376 §3.6.1 t=y: a failure must not count against a domain testing DKIM.
  if (r.key_testing && r.status == DkimStatus::fail) {
    r.status = DkimStatus::neutral;
    r.reason += " (ignored: the key is in testing mode, t=y)";
  }
  return r;
}

std::vector<DkimResult> DkimVerifier::verify(SignedMessage& msg) {
  std::vector<DkimResult> out;
  try {
    verify_all(msg, out);
  } catch (const std::exception& e) {  // out of memory: no exception leaves the module
    DkimResult r;
    out.push_back(std::move(
        finish(r, DkimStatus::temperror, std::string("verification aborted: ") + e.what())));
  }
  return out;
}

void DkimVerifier::verify_all(SignedMessage& msg, std::vector<DkimResult>& out) {
  auto headers = msg.headers();
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (!iequals(headers[i].name, "DKIM-Signature")) continue;
    if (out.size() >= impl_->options.limits.max_signatures) {
      DkimResult r;
      r.field_index = i;
      fill_best_effort(r, headers[i].value, impl_->options.limits);
      out.push_back(std::move(finish(r, DkimStatus::permerror,
                                     "not verified: more than " +
                                         std::to_string(impl_->options.limits.max_signatures) +
                                         " signatures on the message")));
      continue;
    }
    out.push_back(verify_field(msg, i, SignatureKind::dkim));
  }
}

std::vector<DkimResult> DkimVerifier::verify(const message::Message& message) {
  SignedMessage msg(message);
  return verify(msg);
}

}  // namespace mailroom::auth
