#include "mailroom/deliver/exit_code.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <string_view>

namespace mailroom::deliver {
namespace {

// RFC 3463 §2: class.subject.detail, class 4 (persistent transient) or 5.
bool class_matches_exit(std::string_view status, int code) {
  if (status.size() < 5 || status[1] != '.') return false;
  return status[0] == (code == kExitTempFail ? '4' : '5');
}

TEST(EnhancedStatus, EveryKindHasOneWhoseClassMatchesTheExitCode) {
  for (auto kind : {ErrorKind::temporary, ErrorKind::no_user, ErrorKind::rejected, ErrorKind::usage,
                    ErrorKind::config, ErrorKind::parse, ErrorKind::limit, ErrorKind::internal,
                    ErrorKind::data}) {
    for (int err : {0, EDQUOT, EFBIG, ELOOP, ENOSPC, ETIMEDOUT, EACCES}) {
      auto status = enhanced_status_for(kind, err);
      EXPECT_TRUE(class_matches_exit(status, exit_code_for(kind)))
          << static_cast<int>(kind) << " " << err << " " << status;
    }
  }
}

TEST(EnhancedStatus, TheCodesPostfixShows) {
  EXPECT_EQ(enhanced_status_for(ErrorKind::no_user), "5.1.1");
  EXPECT_EQ(enhanced_status_for(ErrorKind::temporary, EDQUOT), "4.2.2");
  EXPECT_EQ(enhanced_status_for(ErrorKind::rejected, EDQUOT), "5.2.2");
  EXPECT_EQ(enhanced_status_for(ErrorKind::rejected, EFBIG), "5.3.4");
  EXPECT_EQ(enhanced_status_for(ErrorKind::rejected, ELOOP), "5.4.6");
  EXPECT_EQ(enhanced_status_for(ErrorKind::internal), "4.3.0");
  EXPECT_EQ(enhanced_status_for(ErrorKind::temporary, ETIMEDOUT), "4.4.7");
  EXPECT_EQ(enhanced_status_for(ErrorKind::usage), "5.5.4");
  EXPECT_EQ(enhanced_status_for(ErrorKind::config), "4.3.5");
  EXPECT_EQ(enhanced_status_for(ErrorKind::temporary, ENOSPC), "4.3.1");
}

TEST(ExitCode, NeverOneSeventyOrSeventyEight) {
  for (auto kind : {ErrorKind::temporary, ErrorKind::no_user, ErrorKind::rejected, ErrorKind::usage,
                    ErrorKind::config, ErrorKind::parse, ErrorKind::limit, ErrorKind::internal,
                    ErrorKind::data}) {
    int code = exit_code_for(kind);
    EXPECT_NE(code, 1);
    EXPECT_NE(code, 70);
    EXPECT_NE(code, 78);
  }
  EXPECT_EQ(exit_code_for(ErrorKind::data), kExitDataErr);
  EXPECT_EQ(kExitDataErr, 65);
}

}  // namespace
}  // namespace mailroom::deliver
