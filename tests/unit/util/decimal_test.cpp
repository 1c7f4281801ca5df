// append_fixed must write exactly what printf("%.Nf") writes, for every
// double: the X-Spam-* fields and the log line depend on it byte for byte.
#include "mailroom/util/decimal.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

namespace mailroom {
namespace {

std::string printf_fixed(double value, int decimals) {
  char text[400];
  (void)std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string fixed(double value, int decimals) {
  std::string out;
  append_fixed(out, value, decimals);
  return out;
}

// Each of 1, 2 and 3 decimals against printf.
void expect_as_printf(double value) {
  ASSERT_EQ(one_decimal(value), printf_fixed(value, 1))
      << "bits 0x" << std::hex << std::bit_cast<std::uint64_t>(value);
  for (int decimals = 2; decimals <= 3; ++decimals)
    ASSERT_EQ(fixed(value, decimals), printf_fixed(value, decimals))
        << decimals << " decimals, bits 0x" << std::hex << std::bit_cast<std::uint64_t>(value);
}

TEST(FixedDecimals, KnownCases) {
  EXPECT_EQ(one_decimal(0.0), "0.0");
  EXPECT_EQ(one_decimal(-0.0), "-0.0");
  EXPECT_EQ(one_decimal(0.25), "0.2");  // an exact tie: to the even digit
  EXPECT_EQ(one_decimal(0.75), "0.8");
  EXPECT_EQ(one_decimal(0.35), "0.3");  // 0.35 is below .35 in binary
  EXPECT_EQ(one_decimal(0.05), "0.1");  // 0.05 is above .05 in binary
  EXPECT_EQ(one_decimal(-0.04), "-0.0");
  EXPECT_EQ(one_decimal(-1.25), "-1.2");
  EXPECT_EQ(one_decimal(5.0), "5.0");
  EXPECT_EQ(one_decimal(9.95), "9.9");
  EXPECT_EQ(one_decimal(999.96), "1000.0");
  EXPECT_EQ(one_decimal(1e20), "100000000000000000000.0");
}

TEST(FixedDecimals, NotFinite) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  expect_as_printf(inf);
  expect_as_printf(-inf);
  expect_as_printf(nan);
  expect_as_printf(-nan);
  EXPECT_EQ(one_decimal(-inf), "-inf");
}

// k / divisor for |k| <= 100,000 and the doubles either side of each: where
// a correctly rounded result and a naive one part.
void expect_neighbourhoods_as_printf(double divisor) {
  for (int k = -100000; k <= 100000; ++k) {
    const double near_tie = k / divisor;
    expect_as_printf(near_tie);
    expect_as_printf(std::nextafter(near_tie, HUGE_VAL));
    expect_as_printf(std::nextafter(near_tie, -HUGE_VAL));
  }
}

// Every tie k/20 that binary can hold exactly (x.25 and x.75 are; 0.05 is
// not) and the neighbours of every k/20.
TEST(FixedDecimals, TiesAndTheirNeighbours) {
  expect_neighbourhoods_as_printf(20.0);
  for (double whole = 0; whole < 1e5; whole += 1) {
    expect_as_printf(whole + 0.25);
    expect_as_printf(whole + 0.75);
    expect_as_printf(-(whole + 0.25));
  }
}

TEST(FixedDecimals, ScoresOfEveryDay) {
  for (int step = -100000; step <= 100000; ++step) expect_as_printf(step * 0.001);
  for (int step = -10000; step <= 10000; ++step) expect_as_printf(step * 0.1 + 0.05);
}

// Random bit patterns cover every exponent: subnormals, the largest
// finite values (hundreds of digits) and everything between.
TEST(FixedDecimals, RandomBitPatterns) {
  std::mt19937_64 random(14);
  for (int i = 0; i < 100000; ++i) {
    const auto value = std::bit_cast<double>(random());
    expect_as_printf(value);
  }
  expect_as_printf(std::numeric_limits<double>::max());
  expect_as_printf(std::numeric_limits<double>::min());
  expect_as_printf(std::numeric_limits<double>::denorm_min());
  expect_as_printf(-std::numeric_limits<double>::denorm_min());
  expect_as_printf(std::ldexp(1.0, 123));
  expect_as_printf(std::ldexp(1.0, 70));
  expect_as_printf(std::nextafter(std::ldexp(1.0, 70), 0.0));
  // Where the 64-bit path ends and the exact decimal one takes over.
  for (int power = 50; power <= 70; ++power) {
    const double at = std::ldexp(1.0, power);
    for (double value : {at, std::nextafter(at, 0.0), std::nextafter(at, HUGE_VAL), at * 1.5})
      expect_as_printf(value);
  }
}

// Values of moderate size drawn uniformly in magnitude (random bit
// patterns are mostly huge or tiny).
TEST(FixedDecimals, RandomModerateValues) {
  std::mt19937_64 random(2026);
  std::uniform_real_distribution<double> exponent(-30.0, 60.0);
  for (int i = 0; i < 100000; ++i) {
    const double value = std::exp2(exponent(random)) * ((i & 1) != 0 ? -1 : 1);
    expect_as_printf(value);
  }
}

TEST(FixedDecimals, TwoDecimalsTiesAndNeighbours) {
  expect_neighbourhoods_as_printf(200.0);
  EXPECT_EQ(fixed(0.125, 2), "0.12");
  EXPECT_EQ(fixed(-0.001, 2), "-0.00");
  EXPECT_EQ(fixed(1.0, 3), "1.000");
}

TEST(FixedDecimals, Appends) {
  std::string out = "score=";
  append_fixed(out, 4.96, 1);
  EXPECT_EQ(out, "score=5.0");
}

}  // namespace
}  // namespace mailroom
