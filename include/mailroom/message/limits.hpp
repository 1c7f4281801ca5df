// Limits for parsing one untrusted message (STYLE.md, "Untrusted input").
// Every limit is enforced while parsing. Past a limit the parser stops
// interpreting structure and treats the rest as opaque body, and sets a
// Defect the spam scorer can see (defect.hpp). Defaults follow Dovecot's
// message-parser (100 nested MIME parts, 10,000 parts) and RFC 5322 §2.1.1.
#pragma once

#include <cstddef>

namespace mailroom::message {

struct Limits {
  // Bytes of one header block (top level or a MIME part), fields only.
  // Real mail stays far below 256 KiB even with long DKIM/ARC chains.
  std::size_t max_header_block = std::size_t{1} << 20;  // 1 MiB
  // Header fields per header block (top level or one MIME part).
  std::size_t max_header_count = 10000;
  // Bytes of one physical header line. RFC 5322 §2.1.1 says 998, but
  // real senders exceed it; 64 KiB keeps a single field from eating the block.
  std::size_t max_line_length = std::size_t{64} << 10;  // 64 KiB
  // Nesting of multipart and message/rfc822 parts below the top level.
  std::size_t max_mime_depth = 100;
  // MIME parts in one message, the top level included.
  std::size_t max_parts = 10000;
  // Bytes produced by decoding one part (transfer decoding, charset
  // conversion, HTML to text); the output is cut there and flagged.
  std::size_t max_decoded_size = std::size_t{64} << 20;  // 64 MiB
  // Bytes the MIME parser may scan for delimiters, as a multiple of the
  // message size. Each multipart level scans its own body, so nesting
  // multiplies the work; this caps it (real mail stays below 5).
  std::size_t max_mime_scan_factor = 16;
  // Addresses kept from one address list header.
  std::size_t max_addresses = 10000;
};

}  // namespace mailroom::message
