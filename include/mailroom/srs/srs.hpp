// The Sender Rewriting Scheme (Shevek, "The Sender Rewriting Scheme", 2004;
// the conventions of libsrs2 and Mail::SRS::Guarded): a forwarder rewrites
// the envelope sender into an address of its own domain, so that SPF at the
// next hop checks the forwarder, and can turn a bounce to that address back
// into the original sender.
//
//   SRS0=HHHH=TT=orig.example=alice@fwd.example      first forwarder
//   SRS1=HHHH=fwd.example==HHHH=TT=orig.example=alice@next.example
//                                                    a later one: bounces go
//                                                    straight to fwd.example
//
// HHHH: HMAC-SHA1 under a secret over the lower-cased fields, base64,
// truncated; TT: the day number modulo 1024 in base32. Checks compare the
// hash case-insensitively (MTAs smash case in local parts).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/result.hpp"

namespace mailroom::srs {

struct Options {
  std::vector<std::string> secrets;  // the first signs, every one verifies (rotation)
  std::string domain;                // our SRS domain: the host part of what we write
  unsigned max_age_days = 21;        // libsrs2's and postsrsd's default
  unsigned hash_length = 4;          // base64 characters written; fewer are refused
  // Seconds since the epoch; unset: the system clock. Tests fix it.
  std::function<std::int64_t()> clock;
};

// The envelope sender to use when forwarding mail from `sender`. Returned
// unchanged: the null sender ("", bounces must not be rewritten: RFC 5321
// §4.5.5) and a sender already in our SRS domain (SPF passes for it).
// An SRS0 or SRS1 address of another forwarder becomes SRS1. Errors
// (ErrorKind::config: no secret or domain; ErrorKind::parse: no '@').
[[nodiscard]] Result<std::string> forward(const Options& options, std::string_view sender);

// The address a bounce to `address` goes back to: SRS0 -> the original
// sender, SRS1 -> the first forwarder's SRS0 address. ErrorKind::rejected
// when the hash does not verify under any secret or the SRS0 timestamp is
// older than max_age_days (or from the future); ErrorKind::parse when it is
// not an SRS address at all.
[[nodiscard]] Result<std::string> reverse(const Options& options, std::string_view address);

// True when the local part of `address` starts with SRS0 or SRS1 and a
// separator (=, + or -), case-insensitively.
[[nodiscard]] bool is_srs_address(std::string_view address) noexcept;

// The building blocks, for tests against published values.
// Base32 day stamp ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", two characters) of
// `unix_time`.
[[nodiscard]] std::string timestamp(std::int64_t unix_time);
// base64(HMAC-SHA1(secret, lower(fields...))), first `length` characters.
[[nodiscard]] std::string hash(std::string_view secret, const std::vector<std::string_view>& fields,
                               unsigned length);

}  // namespace mailroom::srs

namespace mailroom {
struct SrsConfig;
}

namespace mailroom::srs {

// Options from [srs]: srs.secrets, then the secrets of srs.secret_file (one
// a line; blank lines and lines starting with '#' skipped), read from
// `secret_fd` when it is open (deliver opens the file before it drops
// privileges), else from the path. ErrorKind::config when the file cannot
// be read.
[[nodiscard]] Result<Options> options_from(const SrsConfig& config, int secret_fd = -1);

}  // namespace mailroom::srs
