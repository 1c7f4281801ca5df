// The ARC sets of a message sorted by instance, and the input of an
// ARC-Seal's signature (RFC 8617 §5.1.1): shared by the validator and the
// sealer, so that we sign exactly what we (and so others) verify.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "mailroom/auth/arc.hpp"
#include "mailroom/message/header.hpp"

namespace mailroom::auth {

struct ArcSet {
  std::vector<std::size_t> aar, ams, seal;  // field indexes; exactly one each when valid
  ArcSeal parsed_seal;
};

using Sets = std::map<unsigned, ArcSet>;

// Sorts every ARC field of `headers` into its set by instance; "" or why it
// cannot (a field that does not parse).
std::string collect(std::span<const message::HeaderField> headers, const DkimLimits& limits,
                    Sets& sets);

// §5.1.1: the seal of set k signs sets 1..k (AAR, AMS, AS each), relaxed,
// its own b= emptied and without the final CRLF.
std::string seal_hash_input(std::span<const message::HeaderField> headers, const Sets& sets,
                            unsigned k);

}  // namespace mailroom::auth
