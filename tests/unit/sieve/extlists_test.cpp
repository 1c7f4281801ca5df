// RFC 6134 extlists: :list against list files in RunOptions::lists_dir,
// valid_ext_list, the list names we map, a missing list.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "extension_support.hpp"
#include "sieve/extlists.hpp"

namespace mailroom::sieve {
namespace {

using namespace ext_testing;

const std::string kMessage =
    "From: Friend <Friend@Example.COM>\r\nTo: bob@example.net\r\nSubject: hello\r\n\r\nbody\r\n";
const std::string kRequire = "require [\"extlists\", \"fileinto\", \"envelope\"];\n";

class SieveExtlists : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mailroom-extlists-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ + "/friends")
        << "# my friends\n  friend@example.com  \n\nalice@example.org\r\n";
    std::ofstream(dir_ + "/default") << "bob@example.net\n";
    std::ofstream(dir_ + "/forward") << "a@example.org\nb@example.org\n";
    std::ofstream(dir_ + "/broken") << "a@example.org\nnot an address\n";
    std::ofstream(dir_ + "/many")
        << "1@x.example\n2@x.example\n3@x.example\n4@x.example\n5@x.example\n";
    options_.lists_dir = dir_;
  }
  void TearDown() override {
    std::remove((dir_ + "/friends").c_str());
    for (const char* name : {"default", "forward", "broken", "many"})
      std::remove((dir_ + "/" + name).c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
  RunOptions options_;
};

TEST_F(SieveExtlists, AddressInAList) {
  EXPECT_EQ(run_words(kRequire + "if address :list \"from\" \"tag:friends\" { fileinto \"F\"; }",
                      kMessage, options_),
            (Words{"fileinto:F"}));
  // i;octet: the case of the entry counts.
  EXPECT_EQ(
      run_words(kRequire + "if address :list :comparator \"i;octet\" \"from\" \"tag:friends\" "
                           "{ fileinto \"F\"; }",
                kMessage, options_),
      (Words{"keep*"}));
  EXPECT_EQ(
      run_words(kRequire + "if address :list \"to\" \":addrbook:default\" { fileinto \"D\"; }",
                kMessage, options_),
      (Words{"fileinto:D"}));
  // A comment line is no entry.
  EXPECT_EQ(run_words(kRequire + "if header :list \"subject\" \"tag:friends\" { fileinto \"x\"; }",
                      "Subject: # my friends\r\n\r\nb\r\n", options_),
            (Words{"keep*"}));
}

TEST_F(SieveExtlists, ValidExtList) {
  std::string script = kRequire +
                       "if valid_ext_list [\"tag:friends\", \":addrbook:default\"] "
                       "{ fileinto \"yes\"; }\nif valid_ext_list \"tag:nobody\" "
                       "{ fileinto \"no\"; }";
  EXPECT_EQ(run_words(script, kMessage, options_), (Words{"fileinto:yes"}));
  EXPECT_EQ(run_words(script, kMessage), (Words{"keep*"}));  // no lists_dir: no list
}

TEST_F(SieveExtlists, MissingListIsARuntimeError) {
  auto outcome = run_script(kRequire +
                                "fileinto \"a\";\nif address :list \"from\" \"tag:nobody\" "
                                "{ fileinto \"F\"; }",
                            kMessage, options_);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->position.line, 3U);
  EXPECT_EQ(words(outcome), (Words{"error", "keep*"}));
}

TEST_F(SieveExtlists, RedirectToAList) {
  const std::string require = "require [\"extlists\", \"copy\"];\n";
  EXPECT_EQ(run_words(require + "redirect :list \"tag:forward\";", kMessage, options_),
            (Words{"redirect:a@example.org", "redirect:b@example.org"}));
  EXPECT_EQ(run_words(require + "redirect :copy :list \"tag:forward\";", kMessage, options_),
            (Words{"redirect:a@example.org", "redirect:b@example.org", "keep*"}));
  // An entry that is not an address, a missing list, more than the
  // redirect limit (4): run-time errors, the message is kept.
  for (const char* list : {"tag:broken", "tag:nobody", "tag:many"}) {
    EXPECT_EQ(run_words(require + "redirect :list \"" + list + "\";", kMessage, options_),
              (Words{"error", "keep*"}))
        << list;
  }
  EXPECT_EQ(compile_error("redirect :list \"tag:forward\";")->kind,
            DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error(require + "redirect :list \"a@example.org\";")->kind,
            DiagnosticKind::unknown_list);
  EXPECT_EQ(compile_error(require + "redirect :list :list \"tag:forward\";")->kind,
            DiagnosticKind::duplicate_tag);
  EXPECT_EQ(
      compile_error("require [\"extlists\", \"fileinto\"];\nfileinto :list \"tag:forward\";")->kind,
      DiagnosticKind::unknown_tag);
}

TEST(SieveExtlistsNames, OnlyNamesInsideTheDirectory) {
  EXPECT_EQ(list_file_name("tag:friends"), "friends");
  EXPECT_EQ(list_file_name("tag:example.com,2011:vip"), "example.com,2011:vip");
  EXPECT_EQ(list_file_name(":addrbook:default"), "default");
  for (const char* bad : {"tag:", "tag:../etc/passwd", "tag:a/b", "tag:.hidden", "ldap://x/y",
                          "friends", ":addrbook:personal"}) {
    EXPECT_FALSE(list_file_name(bad)) << bad;
  }
}

TEST(SieveExtlistsErrors, ErrorCases) {
  auto bad = compile_error(kRequire + "if header :list \"from\" \"tag:../x\" { keep; }");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->kind, DiagnosticKind::unknown_list);
  EXPECT_EQ(bad->position.line, 2U);
  EXPECT_EQ(compile_error("if header :list \"from\" \"tag:a\" { keep; }")->kind,
            DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error("if valid_ext_list \"tag:a\" { keep; }")->kind,
            DiagnosticKind::missing_require);
  EXPECT_EQ(compile_error(kRequire + "if valid_ext_list :is \"tag:a\" { keep; }")->kind,
            DiagnosticKind::unknown_tag);
  EXPECT_EQ(
      compile_error("require [\"extlists\", \"comparator-i;ascii-numeric\"];\n"
                    "if header :list :comparator \"i;ascii-numeric\" \"a\" \"tag:a\" { keep; }")
          ->kind,
      DiagnosticKind::unsupported_match_type);
}

}  // namespace
}  // namespace mailroom::sieve
