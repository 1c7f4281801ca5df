// MAILROOM_SKIP_OR_FAIL() << "why": a test that cannot run here (its data
// set, peer or privilege is missing) skips with the reason, except under
// scripts/test, which installs everything and exports MAILROOM_REQUIRE_ALL=1:
// there a missing piece is a broken install step, so the test fails.
// Used where MAILROOM_SKIP_OR_FAIL() would be: in the test body, it returns.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace mailroom::test {

inline bool require_all() {
  const char* value = std::getenv("MAILROOM_REQUIRE_ALL");
  return value != nullptr && std::string_view(value) == "1";
}

inline ::testing::TestPartResult::Type skip_or_fail_type() {
  return require_all() ? ::testing::TestPartResult::kFatalFailure
                       : ::testing::TestPartResult::kSkip;
}

inline const char* skip_or_fail_prefix() {
  return require_all() ? "MAILROOM_REQUIRE_ALL=1 (scripts/test) and this test cannot run: " : "";
}

}  // namespace mailroom::test

// MAILROOM_SKIP_OR_FAIL()'s own expansion, with the result type chosen at run time.
#define MAILROOM_SKIP_OR_FAIL()                                  \
  return GTEST_MESSAGE_(::mailroom::test::skip_or_fail_prefix(), \
                        ::mailroom::test::skip_or_fail_type())
