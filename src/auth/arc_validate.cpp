// RFC 8617 §5.2: validating the Authenticated Received Chain.
#include <map>

#include "arc_sets.hpp"
#include "canon.hpp"
#include "dkim_verifier_impl.hpp"
#include "mailroom/auth/arc.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

ArcResult failed(ArcResult r, std::string reason) {
  r.status = ArcChainStatus::fail;
  r.reason = std::move(reason);
  return r;
}

std::string authserv_id(std::string_view aar) {
  auto semi = aar.find(';');
  if (semi == std::string_view::npos) return {};
  auto rest = aar.substr(semi + 1);
  auto end = rest.find_first_of(";(");
  std::string id;
  for (char c : rest.substr(0, end)) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') id.push_back(c);
  }
  return id;
}

// The AAR value after its "i=N;", unfolded, WSP runs as one space.
std::string results_of(std::string_view aar) {
  auto semi = aar.find(';');
  std::string out;
  bool space = false;
  for (char c : aar.substr(semi == std::string_view::npos ? aar.size() : semi + 1)) {
    if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// §5.2 step 3-4: one of each field per set, instances 1..N, cv values.
std::string check_structure(const Sets& sets) {
  unsigned expected = 1;
  for (const auto& [instance, set] : sets) {
    auto n = std::to_string(instance);
    if (instance != expected) return "ARC set " + std::to_string(expected) + " is missing";
    if (set.aar.size() != 1 || set.ams.size() != 1 || set.seal.size() != 1) {
      return "ARC set " + n +
             " does not have exactly one ARC-Authentication-Results, "
             "ARC-Message-Signature and ARC-Seal";
    }
    auto want = instance == 1 ? ArcChainStatus::none : ArcChainStatus::pass;
    if (set.parsed_seal.cv != want) {
      return "ARC-Seal i=" + n + " has cv=" + std::string(to_string(set.parsed_seal.cv)) +
             ", expected cv=" + std::string(to_string(want));
    }
    ++expected;
  }
  return {};
}

std::string verify_seal(DkimVerifier::Impl& impl, std::span<const message::HeaderField> headers,
                        const Sets& sets, unsigned k, bool& temporary) {
  const ArcSeal& seal = sets.at(k).parsed_seal;
  auto n = std::to_string(k);
  if (seal.algorithm == SignatureAlgorithm::rsa_sha1) {
    return "ARC-Seal i=" + n + " uses rsa-sha1 (RFC 8301 §3.1)";
  }
  auto keys = impl.lookup_keys(seal.domain, seal.selector, seal.algorithm, "");
  if (keys.status != DkimStatus::pass) {
    temporary = temporary || keys.status == DkimStatus::temperror;
    return "ARC-Seal i=" + n + ": " + keys.reason;
  }
  int bits = 0;
  if (!impl.verify_any(keys, seal.algorithm, seal_hash_input(headers, sets, k), seal.signature,
                       bits)) {
    return "ARC-Seal i=" + n + " (d=" + seal.domain + ") did not verify";
  }
  return {};
}

void list_sealers(std::span<const message::HeaderField> headers, const Sets& sets, ArcResult& r) {
  for (const auto& [instance, set] : sets) {
    ArcSealer s;
    s.instance = instance;
    s.domain = set.parsed_seal.domain;
    s.selector = set.parsed_seal.selector;
    s.cv = set.parsed_seal.cv;
    s.authserv_id = authserv_id(headers[set.aar[0]].value);
    s.authentication_results = results_of(headers[set.aar[0]].value);
    r.sealers.push_back(std::move(s));
  }
}

ArcResult validate(DkimVerifier& verifier, SignedMessage& msg) {
  ArcResult r;
  Sets sets;
  auto headers = msg.headers();
  const auto& limits = verifier.options().limits;
  if (auto why = collect(headers, limits, sets); !why.empty()) return failed(r, why);
  if (sets.empty()) {
    r.reason = "no ARC sets";
    return r;
  }
  r.instances = sets.rbegin()->first;
  if (sets.rbegin()->second.parsed_seal.cv == ArcChainStatus::fail &&
      !sets.rbegin()->second.seal.empty()) {
    return failed(r, "the newest sealer recorded a broken chain (cv=fail)");
  }
  if (auto why = check_structure(sets); !why.empty()) return failed(r, why);
  list_sealers(headers, sets, r);
  unsigned n = r.instances;
  // §5.2 step 5: the newest ARC-Message-Signature must verify.
  auto newest = verifier.verify_field(msg, sets.at(n).ams[0], SignatureKind::arc_message);
  if (newest.status != DkimStatus::pass) {
    r.temporary = newest.status == DkimStatus::temperror;
    return failed(r, "ARC-Message-Signature i=" + std::to_string(n) + ": " + newest.reason);
  }
  // §5.2 step 6: oldest-pass, walking back while the older signatures hold.
  for (unsigned k = n - 1; k >= 1; --k) {
    auto older = verifier.verify_field(msg, sets.at(k).ams[0], SignatureKind::arc_message);
    if (older.status != DkimStatus::pass) {
      r.oldest_pass = k + 1;
      break;
    }
  }
  // §5.2 step 7: every seal, newest first.
  for (unsigned k = n; k >= 1; --k) {
    if (auto why = verify_seal(verifier.impl(), headers, sets, k, r.temporary); !why.empty()) {
      return failed(r, why);
    }
  }
  r.status = ArcChainStatus::pass;
  r.reason = "chain of " + std::to_string(n) + " ARC set(s) verified";
  return r;
}

}  // namespace

// Sorts every ARC field into its set by instance; "" or why it cannot.
std::string collect(std::span<const message::HeaderField> headers, const DkimLimits& limits,
                    Sets& sets) {
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const auto& f = headers[i];
    if (iequals(f.name, "ARC-Seal")) {
      auto seal = parse_arc_seal(f.value, limits);
      if (!seal) return "ARC-Seal syntax: " + seal.error().describe();
      sets[seal->instance].seal.push_back(i);
      sets[seal->instance].parsed_seal = *seal;
    } else if (iequals(f.name, "ARC-Message-Signature")) {
      auto ams = parse_dkim_signature(f.value, SignatureKind::arc_message, limits);
      if (!ams) return "ARC-Message-Signature syntax: " + ams.error().describe();
      sets[ams->instance].ams.push_back(i);
    } else if (iequals(f.name, "ARC-Authentication-Results")) {
      auto n = parse_aar_instance(f.value, limits);
      if (!n) return "ARC-Authentication-Results without a valid leading i=";
      sets[*n].aar.push_back(i);
    }
  }
  return {};
}

// §5.1.1: the seal of set k signs sets 1..k (AAR, AMS, AS each), relaxed,
// its own b= emptied and without the final CRLF.
std::string seal_hash_input(std::span<const message::HeaderField> headers, const Sets& sets,
                            unsigned k) {
  std::string data;
  for (const auto& [instance, set] : sets) {
    if (instance > k) break;
    for (std::size_t idx : {set.aar[0], set.ams[0]}) {
      canon::header_relaxed(headers[idx].name, headers[idx].value, data);
    }
    const auto& seal = headers[set.seal[0]];
    if (instance < k) {
      canon::header_relaxed(seal.name, seal.value, data);
    } else {
      append_without_b(seal, Canonicalization::relaxed, set.parsed_seal.b_begin,
                       set.parsed_seal.b_end, data);
    }
  }
  return data;
}

bool ArcResult::sealed_by(std::string_view domain) const noexcept {
  if (status != ArcChainStatus::pass) return false;
  for (const auto& s : sealers) {
    if (iequals(s.domain, domain)) return true;
  }
  return false;
}

ArcResult validate_arc(DkimVerifier& verifier, SignedMessage& message) {
  try {
    return validate(verifier, message);
  } catch (const std::exception& e) {
    return failed(ArcResult{}, std::string("ARC validation aborted: ") + e.what());
  }
}

ArcResult validate_arc(DkimVerifier& verifier, const message::Message& message) {
  SignedMessage msg(message);
  return validate_arc(verifier, msg);
}

}  // namespace mailroom::auth
