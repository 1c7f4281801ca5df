// Which folder transfers and keywords train the spam store, and as what
// (server/imap/junk_learning.hpp, issue 15 "Learning from the user").
#include <gtest/gtest.h>

#include "server/imap/junk_learning.hpp"

namespace mailroom::server::imap {
namespace {

TEST(ImapJunkLearning, IntoJunkIsSpam) {
  EXPECT_EQ(transfer_training("", "\\Junk"), Training::spam);         // MOVE/COPY from INBOX
  EXPECT_EQ(transfer_training("\\Sent", "\\Junk"), Training::spam);   // from any other folder
  EXPECT_EQ(transfer_training("\\Trash", "\\Junk"), Training::spam);  // rescued from Trash
  EXPECT_EQ(transfer_training({}, "\\junk"), Training::spam);         // RFC 6154: any case
}

TEST(ImapJunkLearning, OutOfJunkIsHamExceptToTrash) {
  EXPECT_EQ(transfer_training("\\Junk", ""), Training::ham);  // back to INBOX
  EXPECT_EQ(transfer_training("\\Junk", "\\Archive"), Training::ham);
  // Deleting spam says nothing about it being ham.
  EXPECT_EQ(transfer_training("\\Junk", "\\Trash"), Training::none);
  EXPECT_EQ(transfer_training("\\JUNK", "\\trash"), Training::none);
}

TEST(ImapJunkLearning, OtherTransfersTrainNothing) {
  EXPECT_EQ(transfer_training("", ""), Training::none);
  EXPECT_EQ(transfer_training("", "\\Trash"), Training::none);
  EXPECT_EQ(transfer_training("\\Sent", "\\Archive"), Training::none);
  EXPECT_EQ(transfer_training("\\Junk", "\\Junk"), Training::none);  // COPY within Junk
}

TEST(ImapJunkLearning, Keywords) {
  EXPECT_EQ(keyword_training({"$Junk"}), Training::spam);
  EXPECT_EQ(keyword_training({"\\Seen", "$junk"}), Training::spam);
  EXPECT_EQ(keyword_training({"$NotJunk"}), Training::ham);
  EXPECT_EQ(keyword_training({"$NOTJUNK", "\\Flagged"}), Training::ham);
  EXPECT_EQ(keyword_training({"$Junk", "$NotJunk"}), Training::none);  // contradicts itself
  EXPECT_EQ(keyword_training({"\\Seen", "$Forwarded"}), Training::none);
  EXPECT_EQ(keyword_training({}), Training::none);
}

}  // namespace
}  // namespace mailroom::server::imap
