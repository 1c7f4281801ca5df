// RFC 6376 §3.4 canonicalisation of header fields and bodies. Messages may
// arrive with LF line endings (MTAs pipe them that way): a bare LF counts as
// CRLF, so the canonical form is the one the signer saw on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mailroom/auth/dkim_signature.hpp"

namespace mailroom::auth::canon {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

// Writes the canonical body into `sink` in chunks; returns its length.
std::uint64_t body(std::string_view body, Canonicalization c, ByteSink& sink);

// §3.4.1 "simple": the field unchanged but for line endings, ending in CRLF.
void header_simple(std::string_view raw_field, std::string& out);

// §3.4.2 "relaxed": lower-case name, unfolded value, WSP runs as one SP,
// no WSP around the colon or at the end; ends in CRLF.
void header_relaxed(std::string_view name, std::string_view value, std::string& out);

}  // namespace mailroom::auth::canon
