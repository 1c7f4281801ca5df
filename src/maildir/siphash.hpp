// SipHash-2-4 with a 128-bit result (Aumasson and Bernstein, "SipHash: a
// fast short-input PRF", 2012; the reference implementation's outlen = 16
// variant). A keyed hash: without the key nobody can make two inputs
// collide, which is what the delivery record needs (a sender must not be
// able to make a new message look like one already delivered), at a tenth
// of SHA-256's cost and without OpenSSL's first-use set-up in the process.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailroom::maildir::detail {

class SipHash128 {
 public:
  explicit SipHash128(const std::array<std::uint8_t, 16>& key);
  void update(std::string_view bytes);
  std::array<std::uint8_t, 16> finish();

 private:
  void compress(std::uint64_t m);
  std::uint64_t v0_, v1_, v2_, v3_;
  std::uint64_t tail_ = 0;  // bytes not yet compressed, little endian
  std::size_t tail_bytes_ = 0;
  std::uint64_t length_ = 0;
};

}  // namespace mailroom::maildir::detail
