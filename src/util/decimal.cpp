// printf("%.Nf") without printf (decimal.hpp says why).
#include "mailroom/util/decimal.hpp"

#include <bit>
#include <cstdint>

namespace mailroom {
namespace {

// Appends the decimal digits of `n`, at least `width` of them.
void append_digits(std::string& out, std::uint64_t n, int width) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0 || count < width);
  while (count > 0) out += digits[--count];
}

// round(mantissa * 2^exponent * scale), ties to even, computed exactly
// (C11 7.21.6.1: the conversion is correctly rounded; glibc rounds in the
// current mode, to nearest-even by default). False when the result does
// not fit 64 bits (then the value is an integer of 2^53 or more).
bool scaled_round(std::uint64_t mantissa, int exponent, unsigned scale, std::uint64_t& out) {
  const std::uint64_t scaled = mantissa * scale;  // mantissa < 2^53, scale <= 1000: < 2^63
  if (exponent >= 0) {
    if (exponent >= std::countl_zero(scaled)) return false;
    out = scaled << exponent;
    return true;
  }
  const int shift = -exponent;
  // scaled < 2^63 <= 2^(shift-1): below one half, rounds to zero.
  if (shift >= 64) {
    out = 0;
    return true;
  }
  const std::uint64_t quotient = scaled >> shift;
  const std::uint64_t remainder = scaled & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t half = std::uint64_t{1} << (shift - 1);
  const bool up = remainder > half || (remainder == half && (quotient & 1) != 0);
  out = quotient + (up ? 1 : 0);
  return true;
}

// An integer too large for scaled_round (never a score), written exactly as printf
// does, by multiplying its decimal digits (least significant first) by
// 2^32 at a time.
void append_huge(std::string& out, std::uint64_t mantissa, int exponent, int decimals) {
  std::string digits;
  for (; mantissa != 0; mantissa /= 10) digits += static_cast<char>('0' + mantissa % 10);
  while (exponent > 0) {
    const int step = exponent < 32 ? exponent : 32;
    exponent -= step;
    std::uint64_t carry = 0;
    for (char& digit : digits) {
      const std::uint64_t product = (static_cast<std::uint64_t>(digit - '0') << step) + carry;
      digit = static_cast<char>('0' + product % 10);
      carry = product / 10;
    }
    for (; carry != 0; carry /= 10) digits += static_cast<char>('0' + carry % 10);
  }
  out.append(digits.rbegin(), digits.rend());
  out += '.';
  out.append(static_cast<std::size_t>(decimals), '0');
}

}  // namespace

void append_fixed(std::string& out, double value, int decimals) {
  static constexpr unsigned kScale[] = {1, 10, 100, 1000};
  decimals = decimals < 1 ? 1 : decimals > 3 ? 3 : decimals;
  const auto bits = std::bit_cast<std::uint64_t>(value);
  const bool negative = (bits >> 63) != 0;
  const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
  if (negative) out += '-';
  if (biased == 0x7ff) {
    out += fraction == 0 ? "inf" : "nan";
    return;
  }
  // value = mantissa * 2^exponent, exactly (IEEE 754 binary64).
  const std::uint64_t mantissa = biased == 0 ? fraction : fraction | (std::uint64_t{1} << 52);
  const int exponent = (biased == 0 ? 1 : biased) - 1075;
  const unsigned scale = kScale[decimals];
  std::uint64_t scaled = 0;
  if (!scaled_round(mantissa, exponent, scale, scaled)) {
    append_huge(out, mantissa, exponent, decimals);
    return;
  }
  append_digits(out, scaled / scale, 1);
  out += '.';
  append_digits(out, scaled % scale, decimals);
}

std::string one_decimal(double value) {
  std::string out;
  append_fixed(out, value, 1);
  return out;
}

}  // namespace mailroom
