#include "mailroom/util/text.hpp"

#include <gtest/gtest.h>

namespace mailroom {
namespace {

TEST(TrimSpace, BlanksAndLineEndsGoFromBothEnds) {
  EXPECT_EQ(trim_space(" \t a b \r\n"), "a b");
  EXPECT_EQ(trim_space("a"), "a");
  EXPECT_EQ(trim_space(""), "");
  EXPECT_EQ(trim_space(" \t\r\n "), "");
  EXPECT_EQ(trim_space("\va\f"), "\va\f");  // only SP, HT, CR, LF count
  static_assert(trim_space("  x ") == "x");
}

}  // namespace
}  // namespace mailroom
