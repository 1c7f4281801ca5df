// RFC 8579 special-use: fileinto :specialuse and specialuse_exists, with
// the folders given by special_use_map (maildir.special_use's form).
#include <algorithm>
#include <set>

#include "mailroom/sieve/report.hpp"
#include "structure_support.hpp"

namespace mailroom::sieve {
namespace {

using structure_testing::compile_error;
using structure_testing::run_text;
using structure_testing::words;
using Words = std::vector<std::string>;

RunOptions with_folders(std::set<std::string, std::less<>> folders) {
  RunOptions options;
  options.special_use_folder = special_use_map(
      {"\\Junk=Spam", "\\Archive=Old", "\\Sent=INBOX"},
      [folders = std::move(folders)](std::string_view f) { return folders.count(f) != 0; });
  return options;
}

constexpr const char* kRequire = "require [\"fileinto\", \"special-use\", \"variables\"];\n";

TEST(SieveSpecialUse, FileintoUsesTheFolderWithTheAttribute) {
  auto o = run_text(std::string(kRequire) + "fileinto :specialuse \"\\\\Junk\" \"Junk\";",
                    with_folders({"Spam"}));
  EXPECT_EQ(words(o), (Words{"fileinto:Spam"}));
  EXPECT_EQ(o.actions.front().special_use, "\\Junk");
}

TEST(SieveSpecialUse, AttributesCompareWithoutCase) {
  auto o = run_text(std::string(kRequire) + "fileinto :specialuse \"\\\\JUNK\" \"Junk\";",
                    with_folders({"Spam"}));
  EXPECT_EQ(words(o), (Words{"fileinto:Spam"}));
}

// §4: no folder carries it (or the mapped one does not exist): the name.
TEST(SieveSpecialUse, FileintoFallsBackToTheNamedFolder) {
  EXPECT_EQ(words(run_text(std::string(kRequire) + "fileinto :specialuse \"\\\\Junk\" \"Junk\";",
                           with_folders({}))),
            (Words{"fileinto:Junk"}));
  EXPECT_EQ(words(run_text(std::string(kRequire) + "fileinto :specialuse \"\\\\Trash\" \"Bin\";",
                           with_folders({"Spam"}))),
            (Words{"fileinto:Bin"}));
}

TEST(SieveSpecialUse, ExistsWithoutMailboxNeedsEveryAttribute) {
  const std::string test = std::string(kRequire) + "if specialuse_exists ";
  EXPECT_EQ(words(run_text(test + "[\"\\\\Junk\", \"\\\\Archive\"] { fileinto \"y\"; }",
                           with_folders({"Spam", "Old"}))),
            (Words{"fileinto:y"}));
  EXPECT_EQ(words(run_text(test + "[\"\\\\Junk\", \"\\\\Archive\"] { fileinto \"y\"; }",
                           with_folders({"Spam"}))),
            (Words{"keep*"}));
}

TEST(SieveSpecialUse, ExistsWithMailboxNeedsThatMailbox) {
  const std::string test = std::string(kRequire) + "if specialuse_exists ";
  auto folders = with_folders({"Spam"});
  EXPECT_EQ(words(run_text(test + "\"Spam\" \"\\\\Junk\" { fileinto \"y\"; }", folders)),
            (Words{"fileinto:y"}));
  EXPECT_EQ(words(run_text(test + "\"Junk\" \"\\\\Junk\" { fileinto \"y\"; }", folders)),
            (Words{"keep*"}));
  // INBOX always exists, in any case (RFC 3501 §5.1).
  EXPECT_EQ(words(run_text(test + "\"inbox\" \"\\\\Sent\" { fileinto \"y\"; }", folders)),
            (Words{"fileinto:y"}));
}

TEST(SieveSpecialUse, NoStoreMeansNoSpecialUse) {
  EXPECT_EQ(words(run_text(std::string(kRequire) +
                           "if specialuse_exists \"\\\\Junk\" { fileinto \"y\"; }")),
            (Words{"keep*"}));
}

TEST(SieveSpecialUse, CompileErrors) {
  EXPECT_EQ(compile_error("require \"fileinto\";\nfileinto :specialuse \"\\\\Junk\" \"J\";"),
            "missing-require");
  EXPECT_EQ(compile_error("require \"special-use\";\nif specialuse_exists \"\\\\Junk\" {}"), "");
  EXPECT_EQ(compile_error("require \"special-use\";\nif specialuse_exists \"Junk\" {}"),
            "bad-arguments");
  EXPECT_EQ(compile_error(std::string(kRequire) + "fileinto :specialuse \"Junk\" \"J\";"),
            "bad-arguments");
  EXPECT_EQ(compile_error(std::string(kRequire) + "fileinto :specialuse \"\\\\a b\" \"J\";"),
            "bad-arguments");
  EXPECT_EQ(compile_error(std::string(kRequire) +
                          "fileinto :specialuse \"\\\\Junk\" :specialuse \"\\\\Junk\" \"J\";"),
            "duplicate-tag");
  EXPECT_EQ(compile_error(std::string(kRequire) + "fileinto :specialuse \"J\";"), "bad-arguments");
  EXPECT_EQ(compile_error(std::string(kRequire) + "if specialuse_exists [\"a\", \"b\"] "
                                                  "\"\\\\Junk\" {}"),
            "bad-arguments");
}

// An attribute made from variables is checked when it is known: a run-time
// error (the message is kept).
TEST(SieveSpecialUse, BadAttributeFromVariablesIsARuntimeError) {
  auto o = run_text(
      std::string(kRequire) + "set \"a\" \"Junk\";\nfileinto :specialuse \"${a}\" \"Junk\";",
      with_folders({"Spam"}));
  EXPECT_EQ(words(o), (Words{"error", "keep*"}));
  o = run_text(
      std::string(kRequire) + "set \"a\" \"\\\\Junk\";\nfileinto :specialuse \"${a}\" \"Junk\";",
      with_folders({"Spam"}));
  EXPECT_EQ(words(o), (Words{"fileinto:Spam"}));
}

// RFC 8579 §4.1 with RFC 8580: :fcc's copy goes to the folder with the
// attribute, else to the folder :fcc names.
constexpr const char* kFccRequire =
    "require [\"vacation\", \"fcc\", \"special-use\", \"variables\"];\n";

const Action& only_vacation(const Outcome& o) {
  auto found = std::find_if(o.actions.begin(), o.actions.end(),
                            [](const Action& a) { return a.kind == ActionKind::vacation; });
  EXPECT_NE(found, o.actions.end());
  return *found;
}

TEST(SieveSpecialUse, FccUsesTheFolderWithTheAttribute) {
  auto o =
      run_text(std::string(kFccRequire) + "vacation :fcc \"Sent\" :specialuse \"\\\\Sent\" \"r\";",
               with_folders({"INBOX"}));
  ASSERT_FALSE(o.error) << o.error->message;
  ASSERT_TRUE(only_vacation(o).fcc);
  EXPECT_EQ(only_vacation(o).fcc->folder, "INBOX");
  EXPECT_EQ(only_vacation(o).fcc->special_use, "\\Sent");
  EXPECT_NE(to_json(o).find("\"fcc\":{\"folder\":\"INBOX\",\"create\":false,\"flags\":[],"
                            "\"specialuse\":\"\\\\Sent\"}"),
            std::string::npos)
      << to_json(o);
  o = run_text(
      std::string(kFccRequire) + "vacation :fcc \"Sent\" :specialuse \"\\\\Drafts\" \"r\";",
      with_folders({"INBOX"}));
  ASSERT_TRUE(only_vacation(o).fcc);
  EXPECT_EQ(only_vacation(o).fcc->folder, "Sent");
}

TEST(SieveSpecialUse, FccSpecialUseErrors) {
  // Without require "special-use", without :fcc, not an attribute.
  EXPECT_EQ(compile_error("require [\"vacation\", \"fcc\"];\n"
                          "vacation :fcc \"S\" :specialuse \"\\\\Sent\" \"r\";"),
            "missing-require");
  EXPECT_EQ(compile_error(std::string(kFccRequire) + "vacation :specialuse \"\\\\Sent\" \"r\";"),
            "bad-arguments");
  EXPECT_EQ(
      compile_error(std::string(kFccRequire) + "vacation :fcc \"S\" :specialuse \"Sent\" \"r\";"),
      "bad-arguments");
  auto o = run_text(std::string(kFccRequire) +
                        "set \"a\" \"Sent\";\nvacation :fcc \"S\" :specialuse \"${a}\" \"r\";",
                    with_folders({"INBOX"}));
  EXPECT_EQ(words(o), (Words{"error", "keep*"}));
}

}  // namespace
}  // namespace mailroom::sieve
