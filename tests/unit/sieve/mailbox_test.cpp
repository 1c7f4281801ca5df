// RFC 5490 mailbox: fileinto :create and mailboxexists, which asks the
// store through RunOptions::mailbox_exists (a fake here).
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve {
namespace {

struct Run {
  Outcome outcome;
  std::vector<std::string> asked;  // the folders the fake store was asked about
};

Run run_with_store(const std::string& body, const std::set<std::string, std::less<>>& folders,
                   bool with_store = true) {
  Run out;
  auto program = compile("require [\"mailbox\", \"fileinto\", \"variables\", \"copy\"];\n" + body);
  EXPECT_TRUE(program) << body << "\n -> " << program.error().front().message;
  if (!program) return out;
  auto buffer = std::make_shared<const message::Buffer>(
      message::Buffer::from_string("Subject: [lists] x\r\n\r\nbody\r\n"));
  RunOptions options;
  if (with_store) {
    options.mailbox_exists = [&](std::string_view folder) {
      out.asked.emplace_back(folder);
      return folders.find(folder) != folders.end();
    };
  }
  out.outcome = run(*program, message::Message::parse(buffer), {}, options);
  return out;
}

std::string first_folder(const Run& r) {
  const auto& a = r.outcome.actions.front();
  return (a.kind == ActionKind::keep ? std::string("INBOX") : a.target) +
         (a.create ? "+create" : "");
}

TEST(SieveMailbox, ExistsAsksTheStoreForEveryFolderButInbox) {
  auto r = run_with_store("if mailboxexists [\"inbox\", \"Work\", \"Lists\"] { fileinto \"all\"; }",
                          {"Work", "Lists"});
  EXPECT_EQ(first_folder(r), "all");
  EXPECT_EQ(r.asked, (std::vector<std::string>{"Work", "Lists"}));
}

TEST(SieveMailbox, OneMissingFolderIsFalseAndStopsAsking) {
  auto r = run_with_store("if mailboxexists [\"Nope\", \"Work\"] { fileinto \"all\"; }", {"Work"});
  EXPECT_EQ(first_folder(r), "INBOX");
  EXPECT_EQ(r.asked, (std::vector<std::string>{"Nope"}));
}

TEST(SieveMailbox, WithoutAStoreOnlyInboxExists) {
  EXPECT_EQ(
      first_folder(run_with_store("if mailboxexists \"Work\" { fileinto \"w\"; }", {}, false)),
      "INBOX");
  EXPECT_EQ(
      first_folder(run_with_store("if mailboxexists \"INBOX\" { fileinto \"i\"; }", {}, false)),
      "i");
}

TEST(SieveMailbox, NamesAreExpanded) {
  auto r = run_with_store(
      "if header :matches \"subject\" \"[*]*\" { if mailboxexists \"${1}\" { fileinto \"${1}\"; } "
      "}",
      {"lists"});
  EXPECT_EQ(first_folder(r), "lists");
  EXPECT_EQ(r.asked, (std::vector<std::string>{"lists"}));
}

TEST(SieveMailbox, CreateIsCarriedAndMergedOnRepeats) {
  EXPECT_EQ(first_folder(run_with_store("fileinto :create \"New\";", {})), "New+create");
  EXPECT_EQ(first_folder(run_with_store("fileinto \"New\";", {})), "New");
  // The same fileinto twice is done once; either one's :create counts.
  EXPECT_EQ(first_folder(run_with_store("fileinto \"New\"; fileinto :create \"New\";", {})),
            "New+create");
  EXPECT_EQ(first_folder(run_with_store("fileinto :create \"New\"; fileinto \"New\";", {})),
            "New+create");
  auto copy = run_with_store("fileinto :copy :create \"New\";", {});
  ASSERT_EQ(copy.outcome.actions.size(), 2U);
  EXPECT_TRUE(copy.outcome.actions[0].copy);
  EXPECT_TRUE(copy.outcome.actions[1].implicit);
}

struct Failing {
  const char* script;
  DiagnosticKind kind;
};

class SieveMailboxFail : public ::testing::TestWithParam<Failing> {};

TEST_P(SieveMailboxFail, KindAndLine) {
  auto program =
      compile(std::string("require [\"fileinto\", \"mailbox\"];\n\n") + GetParam().script);
  ASSERT_FALSE(program) << GetParam().script;
  EXPECT_EQ(program.error().front().kind, GetParam().kind) << program.error().front().message;
  EXPECT_EQ(program.error().front().position.line, 3U) << GetParam().script;
}

using K = DiagnosticKind;
INSTANTIATE_TEST_SUITE_P(
    Rfc5490, SieveMailboxFail,
    ::testing::Values(Failing{"fileinto :create :create \"a\";", K::duplicate_tag},
                      Failing{"keep :create;", K::unknown_tag},
                      Failing{"redirect :create \"a@b.example\";", K::unknown_tag},
                      Failing{"if mailboxexists :is \"x\" {}", K::unknown_tag},
                      Failing{"if mailboxexists {}", K::bad_arguments},
                      Failing{"if mailboxexists \"a\" \"b\" {}", K::bad_arguments},
                      Failing{"if mailboxexists 5 {}", K::bad_arguments}));

TEST(SieveMailboxRequire, BothNeedTheExtension) {
  for (const char* script :
       {"require \"fileinto\"; fileinto :create \"a\";", "if mailboxexists \"a\" {}"}) {
    auto program = compile(script);
    ASSERT_FALSE(program) << script;
    EXPECT_EQ(program.error().front().kind, DiagnosticKind::missing_require) << script;
  }
}

}  // namespace
}  // namespace mailroom::sieve
