// RFC 5293 editheader: the edits later tests see, the edited message in
// the outcome, :index/:last, value patterns, protected fields, errors.
#include "structure_support.hpp"

namespace mailroom::sieve {
namespace {

using structure_testing::compile_error;
using structure_testing::run_text;
using structure_testing::words;
using Words = std::vector<std::string>;

const std::string kRequire =
    "require [\"editheader\", \"fileinto\", \"variables\", \"relational\", "
    "\"comparator-i;ascii-numeric\"];\n";

std::string edited(const Outcome& o) { return o.message.value_or("(unchanged)"); }

TEST(SieveEditheader, AddheaderGoesOnTopAndIsSeenByLaterTests) {
  auto o = run_text(kRequire +
                    "addheader \"X-New\" \"yes\";\n"
                    "if header :is \"x-new\" \"yes\" { fileinto \"seen\"; }");
  EXPECT_EQ(words(o), (Words{"fileinto:seen"}));
  EXPECT_EQ(edited(o).rfind("X-New: yes\r\nReceived:", 0), 0U) << edited(o);
  ASSERT_EQ(o.edits.size(), 1U);
  EXPECT_TRUE(o.edits[0].add);
}

TEST(SieveEditheader, AddheaderLastGoesBelowTheLastField) {
  auto o = run_text(kRequire + "addheader :last \"X-End\" \"z\";");
  EXPECT_NE(edited(o).find("X-Spam-Flag: NO\r\nX-End: z\r\n\r\nBody."), std::string::npos)
      << edited(o);
}

// §4: a value that is not ASCII is stored RFC 2047 encoded; tests see it
// decoded, as any other field.
TEST(SieveEditheader, NonAsciiValueIsEncoded) {
  auto o = run_text(kRequire +
                    "addheader \"X-U\" \"Caf\xC3\xA9\";\n"
                    "if header :is \"x-u\" \"Caf\xC3\xA9\" { fileinto \"decoded\"; }");
  EXPECT_EQ(words(o), (Words{"fileinto:decoded"}));
  EXPECT_NE(edited(o).find("X-U: =?UTF-8?B?Q2Fmw6k=?=\r\n"), std::string::npos) << edited(o);
}

TEST(SieveEditheader, LineBreaksInTheValueBecomeFolds) {
  auto o = run_text(kRequire + "addheader \"X-L\" \"one\ntwo\";");
  EXPECT_NE(edited(o).find("X-L: one\r\n two\r\n"), std::string::npos) << edited(o);
}

TEST(SieveEditheader, DeleteheaderEveryOneOrByIndex) {
  const std::string count = "if header :count \"eq\" :comparator \"i;ascii-numeric\" \"x-dup\" ";
  EXPECT_EQ(words(run_text(kRequire + "deleteheader \"X-DUP\";\nif not exists \"x-dup\" "
                                      "{ fileinto \"gone\"; }")),
            (Words{"fileinto:gone"}));
  auto first = run_text(kRequire + "deleteheader :index 1 \"x-dup\";");
  EXPECT_EQ(edited(first).find("X-Dup: first"), std::string::npos);
  EXPECT_NE(edited(first).find("X-Dup: second\r\nX-Dup: third"), std::string::npos);
  auto last = run_text(kRequire + "deleteheader :index 1 :last \"x-dup\";");
  EXPECT_NE(edited(last).find("X-Dup: first\r\nX-Dup: second\r\nX-Spam"), std::string::npos);
  // Past the last one, or 0: none is deleted.
  EXPECT_EQ(words(run_text(kRequire + "deleteheader :index 4 \"x-dup\";\n" + count +
                           "\"3\" { fileinto \"three\"; }")),
            (Words{"fileinto:three"}));
  EXPECT_EQ(words(run_text(kRequire + "deleteheader :index 0 \"x-dup\";\n" + count +
                           "\"3\" { fileinto \"three\"; }")),
            (Words{"fileinto:three"}));
}

TEST(SieveEditheader, DeleteheaderValuePatterns) {
  auto o = run_text(kRequire + "deleteheader :matches \"x-dup\" [\"f*\", \"*ird\"];");
  EXPECT_EQ(edited(o).find("X-Dup: first"), std::string::npos);
  EXPECT_EQ(edited(o).find("X-Dup: third"), std::string::npos);
  EXPECT_NE(edited(o).find("X-Dup: second"), std::string::npos);
  ASSERT_EQ(o.edits.size(), 1U);
  EXPECT_EQ(o.edits[0].deleted, 2U);
  // :index counts before the patterns (§5): field 1 is "first", no "sec".
  auto none = run_text(kRequire + "deleteheader :index 1 :contains \"x-dup\" \"sec\";");
  EXPECT_FALSE(none.message);
}

// §6: Received may never be deleted; our verdict fields are protected by
// local policy; the attempt is silently ignored.
TEST(SieveEditheader, ProtectedFieldsAreLeftAlone) {
  for (const char* edit :
       {"deleteheader \"received\";", "deleteheader \"X-Spam-Flag\";",
        "addheader \"Authentication-Results\" \"mx; dkim=pass\";",
        "addheader \"X-Mailroom-Spam-Score\" \"0\";", "addheader \"received\" \"forged\";",
        "deleteheader \"Authentication-Results\";"}) {
    auto o = run_text(kRequire + edit);
    EXPECT_FALSE(o.error) << edit;
    EXPECT_FALSE(o.message) << edit;
    EXPECT_TRUE(o.edits.empty()) << edit;
  }
  // Subject may always be deleted (§6).
  EXPECT_TRUE(run_text(kRequire + "deleteheader \"subject\";").message);
}

TEST(SieveEditheader, AnErrorDropsTheEdits) {
  auto o = run_text(kRequire +
                    "addheader \"X-A\" \"1\";\nset \"n\" \"bad name\";\n"
                    "addheader \"${n}\" \"v\";");
  EXPECT_EQ(words(o), (Words{"error", "keep*"}));
  EXPECT_FALSE(o.message);
  EXPECT_TRUE(o.edits.empty());
}

TEST(SieveEditheader, ValueLongerThanTheLimitIsAnError) {
  RunOptions options;
  options.limits.max_header_value = 8;
  auto o = run_text(kRequire + "addheader \"X-A\" \"123456789\";", options);
  EXPECT_EQ(words(o), (Words{"error", "keep*"}));
}

TEST(SieveEditheader, CompileErrors) {
  EXPECT_EQ(compile_error("addheader \"X-A\" \"b\";"), "missing-require");
  EXPECT_EQ(compile_error(kRequire + "addheader \"X A\" \"b\";"), "bad-header-name");
  EXPECT_EQ(compile_error(kRequire + "addheader \"X:A\" \"b\";"), "bad-header-name");
  EXPECT_EQ(compile_error(kRequire + "addheader \"X-A\";"), "bad-arguments");
  EXPECT_EQ(compile_error(kRequire + "addheader :first \"X-A\" \"b\";"), "unknown-tag");
  EXPECT_EQ(compile_error(kRequire + "deleteheader :last \"x\";"), "bad-arguments");
  EXPECT_EQ(compile_error(kRequire + "deleteheader :index \"x\";"), "bad-arguments");
  EXPECT_EQ(compile_error(kRequire + "deleteheader :index 1 :index 2 \"x\";"), "duplicate-tag");
  EXPECT_EQ(compile_error(kRequire + "deleteheader \"a b\";"), "bad-header-name");
  EXPECT_EQ(compile_error(kRequire + "deleteheader :is :contains \"x\" \"y\";"), "duplicate-tag");
  EXPECT_EQ(compile_error(kRequire + "deleteheader :comparator \"i;nope\" \"x\" \"y\";"),
            "unknown-comparator");
  EXPECT_EQ(compile_error(kRequire + "deleteheader :index 1 :last :contains \"x\" \"y\";"), "");
}

}  // namespace
}  // namespace mailroom::sieve
