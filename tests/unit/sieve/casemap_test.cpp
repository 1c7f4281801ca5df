// i;ascii-casemap :is and :contains without folded copies (casemap.hpp)
// against the plain definition (fold both, then compare) on every short
// string over an alphabet with both cases, a non-letter and a non-ASCII
// byte, and on the edges: the key at either end, an empty key or value,
// a key longer than the value.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sieve/casemap.hpp"

namespace mailroom::sieve {
namespace {

std::string folded(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

std::vector<std::string> all_strings(std::size_t max_length) {
  const std::string alphabet = {'a', 'A', 'b', '[', '\xC3'};
  std::vector<std::string> out{""};
  for (std::size_t begin = 0, length = 1; length <= max_length; ++length) {
    std::size_t end = out.size();
    for (std::size_t i = begin; i < end; ++i)
      for (char c : alphabet) out.push_back(out[i] + c);
    begin = end;
  }
  return out;
}

TEST(SieveCasemap, AgreesWithFoldingOnEveryShortString) {
  const auto values = all_strings(4);
  const auto keys = all_strings(2);
  for (const auto& value : values) {
    for (const auto& key : keys) {
      bool is = folded(value) == folded(key);
      bool contains = folded(value).find(folded(key)) != std::string::npos;
      EXPECT_EQ(casemap_match(MatchType::is, value, key), is) << value << " / " << key;
      EXPECT_EQ(casemap_match(MatchType::contains, value, key), contains) << value << " / " << key;
    }
  }
}

TEST(SieveCasemap, Edges) {
  EXPECT_EQ(casemap_match(MatchType::contains, "Subject [LIST]", "[list]"), true);
  EXPECT_EQ(casemap_match(MatchType::contains, "[List] x", "[LIST]"), true);
  EXPECT_EQ(casemap_match(MatchType::contains, "lis", "list"), false);
  EXPECT_EQ(casemap_match(MatchType::contains, "", ""), true);
  EXPECT_EQ(casemap_match(MatchType::is, "", ""), true);
  EXPECT_EQ(casemap_match(MatchType::contains, "\xC3\xA9", "\xC3\x89"), false);  // é is not É here
  EXPECT_FALSE(casemap_match(MatchType::matches, "a", "*"));  // left to the caller
}

}  // namespace
}  // namespace mailroom::sieve
