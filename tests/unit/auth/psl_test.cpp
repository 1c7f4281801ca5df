// Public Suffix List: the publicsuffix.org test vectors (Debian ships them)
// and our own table over a small list.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "mailroom/auth/psl.hpp"

namespace mailroom::auth {
namespace {

constexpr const char* kList = "/usr/share/publicsuffix/public_suffix_list.dat";
constexpr const char* kVectors = "/usr/share/doc/publicsuffix/examples/test_psl.txt";

// "checkPublicSuffix('a.b', 'b');" -> {"a.b", "b"}; null -> nullopt.
std::optional<std::string> argument(std::string_view& rest) {
  auto start = rest.find_first_of("'n");
  if (start == std::string_view::npos) return std::nullopt;
  if (rest[start] == 'n') {
    rest.remove_prefix(start + 4);
    return std::nullopt;
  }
  auto end = rest.find('\'', start + 1);
  std::string out(rest.substr(start + 1, end - start - 1));
  rest.remove_prefix(end + 1);
  return out;
}

TEST(PublicSuffixList, PublicSuffixOrgVectors) {
  std::ifstream vectors(kVectors);
  if (!vectors) GTEST_SKIP() << kVectors << " absent";
  auto list = PublicSuffixList::load(kList);
  ASSERT_TRUE(list) << list.error().message;
  std::string line;
  int checked = 0;
  while (std::getline(vectors, line)) {
    std::string_view rest = line;
    if (!rest.starts_with("checkPublicSuffix(")) continue;
    rest.remove_prefix(18);
    auto input = argument(rest);
    auto expected = argument(rest);
    if (!input) continue;  // null input: nothing to call with
    EXPECT_EQ(list->registrable_domain(*input), expected) << line;
    ++checked;
  }
  EXPECT_GT(checked, 60);
}

TEST(PublicSuffixList, LoadsQuickly) {
  std::ifstream probe(kList);
  if (!probe) GTEST_SKIP() << kList << " absent";
  using Clock = std::chrono::steady_clock;
  auto us = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  };
  auto t0 = Clock::now();
  auto list = PublicSuffixList::load(kList);
  auto t1 = Clock::now();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->registrable_domain("a.b.example.co.uk").value_or(""), "example.co.uk");
  auto t2 = Clock::now();
  EXPECT_EQ(list->registrable_domain("mail.example.com").value_or(""), "example.com");
  auto t3 = Clock::now();
  EXPECT_EQ(list->registrable_domain("mail.example.com").value_or(""), "example.com");
  auto t4 = Clock::now();
  std::cout << "PSL: load " << us(t1 - t0) << " us, first query " << us(t2 - t1)
            << " us, new domain " << us(t3 - t2) << " us, repeated " << us(t4 - t3) << " us\n";
  EXPECT_GT(list->rule_count(), 5000u);
  EXPECT_LT(us(t3 - t0), 200000);  // generous: a loaded CI machine, a Debug build
}

const char* kSmallList =
    "// ===BEGIN ICANN DOMAINS===\n"
    "com\n"
    "uk\n"
    "co.uk\n"
    "*.ck\n"
    "!www.ck\n"
    "jp\n"
    "*.kawasaki.jp\n"
    "!city.kawasaki.jp\n"
    "中国\n"
    "// ===END ICANN DOMAINS===\n"
    "// ===BEGIN PRIVATE DOMAINS===\n"
    "github.io\n"
    "blogspot.co.uk\n";

struct Case {
  const char* domain;
  const char* registrable;  // nullptr: none
};

TEST(PublicSuffixList, OwnTable) {
  auto list = PublicSuffixList::from_text(kSmallList);
  const Case cases[] = {
      {"example.com", "example.com"},
      {"a.b.example.com", "example.com"},
      {"Mail.Example.COM", "example.com"},
      {"example.com.", "example.com"},  // absolute name
      {"com", nullptr},
      {".example.com", nullptr},
      {"a..example.com", nullptr},
      {"", nullptr},
      {"example.co.uk", "example.co.uk"},
      {"www.example.co.uk", "example.co.uk"},
      {"co.uk", nullptr},
      {"x.ck", nullptr},  // wildcard: x.ck is a suffix
      {"y.x.ck", "y.x.ck"},
      {"www.ck", "www.ck"},  // exception
      {"a.www.ck", "www.ck"},
      {"city.kawasaki.jp", "city.kawasaki.jp"},
      {"a.b.kawasaki.jp", "a.b.kawasaki.jp"},
      {"example.unlisted", "example.unlisted"},  // the implicit "*" rule
      {"me.github.io", "me.github.io"},
      {"a.me.github.io", "me.github.io"},
      {"x.blogspot.co.uk", "x.blogspot.co.uk"},
      {"例子.中国", "例子.中国"},
      {"www.xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"},  // A-labels in, A-labels out
      {"xn--fiqs8s", nullptr},
  };
  for (const auto& c : cases) {
    auto got = list.registrable_domain(c.domain);
    if (c.registrable == nullptr) {
      EXPECT_FALSE(got) << c.domain << " -> " << got.value_or("");
    } else {
      EXPECT_EQ(got.value_or("(none)"), c.registrable) << c.domain;
    }
  }
}

TEST(PublicSuffixList, PrivateRulesCanBeLeftOut) {
  auto list = PublicSuffixList::from_text(kSmallList);
  list.use_private_rules(false);
  EXPECT_EQ(list.registrable_domain("a.me.github.io").value_or(""), "github.io");
  EXPECT_EQ(list.public_suffix("x.blogspot.co.uk").value_or(""), "co.uk");
}

TEST(PublicSuffixList, EmptyListIsStarRule) {
  PublicSuffixList list;
  EXPECT_EQ(list.registrable_domain("a.b.example.org").value_or(""), "example.org");
  EXPECT_FALSE(list.registrable_domain("org"));
}

TEST(PublicSuffixList, MissingFileIsAConfigError) {
  auto list = PublicSuffixList::load("/nonexistent/psl.dat");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().kind, ErrorKind::config);
}

}  // namespace
}  // namespace mailroom::auth
