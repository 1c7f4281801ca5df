// Comparators (RFC 4790) and match types (RFC 5228 §2.7.1).
#include <gtest/gtest.h>

#include <string>

#include "sieve/match.hpp"

namespace mailroom::sieve {
namespace {

struct MatchCase {
  Comparator comparator;
  MatchType match;
  const char* value;
  const char* key;
  bool expected;
};

class SieveMatch : public ::testing::TestWithParam<MatchCase> {};

TEST_P(SieveMatch, Table) {
  const auto& c = GetParam();
  EXPECT_EQ(matches(c.comparator, c.match, Relation::eq, c.value, c.key), c.expected)
      << "'" << c.value << "' vs '" << c.key << "'";
}

using C = Comparator;
using M = MatchType;
INSTANTIATE_TEST_SUITE_P(
    Rfc4790, SieveMatch,
    ::testing::Values(MatchCase{C::octet, M::is, "Abc", "Abc", true},
                      MatchCase{C::octet, M::is, "Abc", "abc", false},
                      MatchCase{C::ascii_casemap, M::is, "Abc", "aBC", true},
                      // Only ASCII letters fold in i;ascii-casemap.
                      MatchCase{C::ascii_casemap, M::is, "\xC3\x89", "\xC3\xA9", false},
                      MatchCase{C::octet, M::contains, "hello world", "o w", true},
                      MatchCase{C::octet, M::contains, "hello", "", true},
                      MatchCase{C::ascii_casemap, M::contains, "HELLO", "ell", true},
                      MatchCase{C::octet, M::contains, "HELLO", "ell", false},
                      MatchCase{C::octet, M::matches, "", "*", true},
                      MatchCase{C::octet, M::matches, "", "?", false},
                      MatchCase{C::octet, M::matches, "abc", "a*", true},
                      MatchCase{C::octet, M::matches, "abc", "*c", true},
                      MatchCase{C::octet, M::matches, "abc", "a?c", true},
                      MatchCase{C::octet, M::matches, "abc", "a??c", false},
                      MatchCase{C::octet, M::matches, "abc", "*b*", true},
                      MatchCase{C::octet, M::matches, "abcbd", "*b?", true},
                      MatchCase{C::octet, M::matches, "abcbdx", "*b?", false},
                      MatchCase{C::octet, M::matches, "a*c", "a\\*c", true},
                      MatchCase{C::octet, M::matches, "abc", "a\\*c", false},
                      MatchCase{C::octet, M::matches, "a?", "a\\?", true},
                      MatchCase{C::octet, M::matches, "ab", "a\\?", false},
                      MatchCase{C::octet, M::matches, "a\\b", "a\\\\b", true},
                      MatchCase{C::ascii_casemap, M::matches, "[LIST] news", "[list]*", true},
                      MatchCase{C::octet, M::matches, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
                                "*a*a*a*a*a*a*c", false},
                      MatchCase{C::ascii_numeric, M::is, "0042", "42", true},
                      MatchCase{C::ascii_numeric, M::is, "42abc", "42", true},
                      MatchCase{C::ascii_numeric, M::is, "43", "42", false},
                      MatchCase{C::ascii_numeric, M::is, "abc", "xyz", true},  // both +infinity
                      MatchCase{C::ascii_numeric, M::is, "abc", "0", false},
                      MatchCase{C::ascii_numeric, M::is, "99999999999999999999999",
                                "99999999999999999999999", true}));

// RFC 4790 orders, as RFC 5231 :value and :count use them.
TEST(SieveMatch, ComparatorOrder) {
  EXPECT_LT(order(Comparator::octet, "B", "a"), 0);
  EXPECT_GT(order(Comparator::ascii_casemap, "B", "a"), 0);
  EXPECT_EQ(order(Comparator::ascii_casemap, "ABC", "abc"), 0);
  EXPECT_GT(order(Comparator::ascii_numeric, "10", "9"), 0);
  EXPECT_LT(order(Comparator::octet, "10", "9"), 0);
  EXPECT_EQ(order(Comparator::ascii_numeric, "007", "7x"), 0);
  EXPECT_GT(order(Comparator::ascii_numeric, "none", "99999999999999999999"), 0);
  EXPECT_EQ(order(Comparator::ascii_numeric, "none", ""), 0);
  EXPECT_TRUE(matches(Comparator::ascii_numeric, MatchType::value, Relation::ge, "3", "3"));
  EXPECT_FALSE(matches(Comparator::ascii_numeric, MatchType::value, Relation::ne, "3", "03"));
  EXPECT_TRUE(matches(Comparator::ascii_numeric, MatchType::value, Relation::lt, "2", "10"));
}

// §2.7.1: "?" is one character; a UTF-8 character is one, not two.
TEST(SieveMatch, QuestionMarkIsOneUtf8Character) {
  EXPECT_TRUE(wildcard_match("\xC3\xA9", "?"));
  EXPECT_FALSE(wildcard_match("\xC3\xA9", "??"));
  EXPECT_TRUE(wildcard_match("x\xE2\x82\xACy", "x?y"));
}

TEST(SieveMatch, LongHostileInputIsLinearEnough) {
  std::string value(20000, 'a');
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "*a";
  pattern += "b";
  EXPECT_FALSE(wildcard_match(value, pattern));
}

}  // namespace
}  // namespace mailroom::sieve
