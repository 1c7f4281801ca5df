// RFC 8617 §5.1: adding an ARC set. The hash inputs are built by the same
// functions the verifier uses (header_hash_input for the message signature,
// seal_hash_input for the seal), so that what we sign is what is checked.
#include <openssl/evp.h>

#include <chrono>
#include <string>

#include "arc_sets.hpp"
#include "canon.hpp"
#include "dkim_crypto.hpp"
#include "dkim_verifier_impl.hpp"
#include "mailroom/auth/arc_sign.hpp"
#include "mailroom/auth/dkim_tag_list.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {
namespace {

constexpr std::string_view kPlaceholder = "AAAA";  // a b= that parses; never hashed (§3.7)

std::string base64(const Digest& d) {
  std::string out(4 * ((d.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), d.data(),
                          static_cast<int>(d.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// b= folded as lines of 72 characters, "b=" counted in the first: the
// layout of the ValiMail ARC suite, whose expected seals cover it (the
// relaxed form keeps one space per fold).
std::string fold_b(std::string_view b64) {
  std::string out;
  std::size_t first = std::min<std::size_t>(70, b64.size());
  out.append(b64.substr(0, first));
  for (std::size_t at = first; at < b64.size(); at += 72)
    out.append("\n ").append(b64.substr(at, 72));
  return out;
}

bool is_arc_field(std::string_view name) {
  return iequals(name, "ARC-Seal") || iequals(name, "ARC-Message-Signature") ||
         iequals(name, "ARC-Authentication-Results");
}

// The highest i= of any ARC field that parses, 0 when there is none: a
// broken chain still numbers the next set after it (§4.2.1).
unsigned highest_instance(std::span<const message::HeaderField> headers, const DkimLimits& limits) {
  unsigned highest = 0;
  for (const auto& f : headers) {
    std::optional<unsigned> i;
    if (iequals(f.name, "ARC-Authentication-Results")) i = parse_aar_instance(f.value, limits);
    if (iequals(f.name, "ARC-Seal") || iequals(f.name, "ARC-Message-Signature")) {
      if (auto tags = parse_tag_list(f.value, limits.tags))
        if (const Tag* t = tags->find("i"))
          if (auto n = parse_aar_instance("i=" + std::string(t->value) + ";", limits)) i = n;
    }
    if (i && *i > highest) highest = *i;
  }
  return highest;
}

// Whether the newest ARC-Seal says cv=fail: then nobody seals again (§5.1.2).
bool newest_says_fail(std::span<const message::HeaderField> headers, const DkimLimits& limits) {
  unsigned newest = 0;
  bool fail = false;
  for (const auto& f : headers) {
    if (!iequals(f.name, "ARC-Seal")) continue;
    auto seal = parse_arc_seal(f.value, limits);
    if (seal && seal->instance >= newest) {
      newest = seal->instance;
      fail = seal->cv == ArcChainStatus::fail;
    }
  }
  return fail;
}

std::string signed_names(std::span<const message::HeaderField> headers,
                         const std::vector<std::string>& wanted) {
  std::string h;
  for (const auto& name : wanted) {
    if (is_arc_field(name)) continue;  // §4.1.2: ARC fields are never in h=
    for (const auto& f : headers) {
      if (!iequals(f.name, name)) continue;
      if (!h.empty()) h.push_back(':');
      h += name;
    }
  }
  return h;
}

message::HeaderField field_of(std::string_view name, const std::string& value) {
  return message::HeaderField{name, value, value, 0};
}

struct Draft {
  std::string name;
  std::string value;
  [[nodiscard]] std::string text() const { return name + ": " + value + "\n"; }
};

std::int64_t now_or(std::int64_t t) {
  if (t != 0) return t;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<Draft> message_signature(std::span<const message::HeaderField> headers,
                                std::string_view body, const SigningKey& key,
                                const ArcSealOptions& o, unsigned instance, std::int64_t t) {
  Sha256Sink sink;
  canon::body(body, Canonicalization::relaxed, sink);
  const std::string bh = base64(sink.finish());
  std::string h = signed_names(headers, o.headers);
  if (h.empty()) return fail(ErrorKind::parse, "the message has none of the fields to sign");
  // Tags in the order of the ValiMail suite (alphabetical).
  Draft draft{"ARC-Message-Signature",
              "a=" + std::string(key.algorithm()) + ";\n b=" + std::string(kPlaceholder) +
                  ";\n bh=" + bh + "; c=relaxed/relaxed;\n d=" + o.domain + "; h=" + h + ";\n i=" +
                  std::to_string(instance) + "; s=" + o.selector + "; t=" + std::to_string(t)};
  auto sig = parse_dkim_signature(draft.value, SignatureKind::arc_message);
  if (!sig) return fail(ErrorKind::config, "ARC-Message-Signature: " + sig.error().describe());
  std::vector<message::HeaderField> fields(headers.begin(), headers.end());
  fields.push_back(field_of(draft.name, draft.value));
  auto b = key.sign(header_hash_input(fields, *sig, fields.size() - 1));
  if (!b) return tl::unexpected(b.error());
  draft.value.replace(sig->b_begin, sig->b_end - sig->b_begin, fold_b(*b));
  return draft;
}

Result<Draft> seal(std::span<const message::HeaderField> headers, const Draft& aar,
                   const Draft& ams, const SigningKey& key, const ArcSealOptions& o,
                   unsigned instance, ArcChainStatus cv, std::int64_t t) {
  Draft draft{"ARC-Seal", "a=" + std::string(key.algorithm()) + ";\n b=" +
                              std::string(kPlaceholder) + "; cv=" + std::string(to_string(cv)) +
                              "; d=" + o.domain + "; i=" + std::to_string(instance) +
                              "; s=" + o.selector + ";\n t=" + std::to_string(t)};
  // §5.1.2: a seal that records a broken chain covers its own set only.
  std::vector<message::HeaderField> fields;
  if (cv != ArcChainStatus::fail) fields.assign(headers.begin(), headers.end());
  for (const Draft* d : std::initializer_list<const Draft*>{&aar, &ams, &draft})
    fields.push_back(field_of(d->name, d->value));
  Sets sets;
  if (auto why = collect(fields, DkimLimits{}, sets); !why.empty())
    return fail(ErrorKind::parse, "not sealed: " + why);
  auto b = key.sign(seal_hash_input(fields, sets, instance));
  if (!b) return tl::unexpected(b.error());
  const auto& parsed = sets.at(instance).parsed_seal;
  draft.value.replace(parsed.b_begin, parsed.b_end - parsed.b_begin, fold_b(*b));
  return draft;
}

Result<std::optional<ArcSetFields>> seal_message(std::span<const message::HeaderField> headers,
                                                 std::string_view body, const SigningKey& key,
                                                 const ArcSealOptions& options,
                                                 std::string_view results, ArcChainStatus chain) {
  const DkimLimits limits;
  if (newest_says_fail(headers, limits)) return std::optional<ArcSetFields>();
  unsigned instance = highest_instance(headers, limits) + 1;
  if (instance > limits.max_arc_sets) return std::optional<ArcSetFields>();
  // §5.1.1: the first set says none; a later one never does.
  ArcChainStatus cv = instance == 1                   ? ArcChainStatus::none
                      : chain == ArcChainStatus::pass ? ArcChainStatus::pass
                                                      : ArcChainStatus::fail;
  std::int64_t t = now_or(options.timestamp);
  Draft aar{"ARC-Authentication-Results",
            "i=" + std::to_string(instance) + "; " + std::string(results)};
  auto ams = message_signature(headers, body, key, options, instance, t);
  if (!ams) return tl::unexpected(ams.error());
  auto as = seal(headers, aar, *ams, key, options, instance, cv, t);
  if (!as) return tl::unexpected(as.error());
  return ArcSetFields{instance, cv, as->text(), ams->text(), aar.text()};
}

}  // namespace

Result<std::optional<ArcSetFields>> arc_seal(std::span<const message::HeaderField> headers,
                                             std::string_view body, const SigningKey& key,
                                             const ArcSealOptions& options,
                                             std::string_view results, ArcChainStatus chain) {
  try {  // out of memory: no exception leaves the module
    return seal_message(headers, body, key, options, results, chain);
  } catch (const std::exception& e) {
    return fail(ErrorKind::internal, std::string("ARC sealing aborted: ") + e.what());
  }
}

}  // namespace mailroom::auth
