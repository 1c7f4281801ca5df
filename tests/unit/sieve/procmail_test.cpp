// sieve from-procmail: each procmailrc(5) feature and its Sieve form, the
// recipes that cannot be translated (with their line), and that what it
// writes compiles (once regex and duplicate are built in; until then
// those two are the only errors allowed).
#include "mailroom/sieve/procmail.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/parse.hpp"

namespace mailroom::sieve {
namespace {

bool supported(std::string_view capability) {
  const auto& all = supported_capabilities();
  return std::find(all.begin(), all.end(), capability) != all.end();
}

// The script must compile, but for the extensions this build lacks.
void expect_compiles(const std::string& script) {
  auto program = compile(script);
  if (program) return;
  for (const auto& d : program.error()) {
    bool missing_regex = !supported("regex") && d.message.find("regex") != std::string::npos;
    bool missing_duplicate =
        !supported("duplicate") && d.message.find("duplicate") != std::string::npos;
    EXPECT_TRUE(missing_regex || missing_duplicate)
        << "line " << d.position.line << ": " << d.message << "\n"
        << script;
  }
}

struct Case {
  const char* rc;
  const char* want;  // a fragment of the output
};

class ProcmailRecipe : public testing::TestWithParam<Case> {};

TEST_P(ProcmailRecipe, Translates) {
  auto out = convert_procmail(GetParam().rc);
  EXPECT_TRUE(out.skipped.empty()) << out.skipped.front().reason;
  EXPECT_NE(out.script.find(GetParam().want), std::string::npos) << out.script;
  expect_compiles(out.script);
}

INSTANTIATE_TEST_SUITE_P(
    Features, ProcmailRecipe,
    testing::Values(
        // A substring after "Name:.*" is :contains; "\." is a literal dot.
        Case{":0:\n* ^Subject:.*\\[linux\\]\nlinux\n",
             "if header :contains \"subject\" \"[linux]\" {\n    # mbox linux becomes"},
        // "Name: text" is the start of the value: :matches "text*".
        Case{":0\n* ^Subject: urgent\nurgent/\n",
             "if header :matches \"subject\" \"urgent*\" {\n    fileinto \"urgent\";\n    stop;"},
        // Anchored at both ends: :is; D: case matters (i;octet).
        Case{":0 D\n* ^X-Loop: me@example\\.org$\n/dev/null\n",
             "if header :is :comparator \"i;octet\" \"x-loop\" \"me@example.org\" {\n    discard;"},
        // An operator: :regex, anchored at the value's start.
        Case{":0\n* ^Subject: (Re|Fwd):\nreplies/\n", "header :regex \"subject\" \"^(Re|Fwd):\""},
        // procmail's \< becomes \b.
        Case{":0\n* ^Subject:.*\\<free\\>\nspam/\n",
             "header :regex \"subject\" \"\\\\bfree\\\\b\""},
        // Several header names.
        Case{":0\n* ^(From|Sender):.*@example\\.com\nwork/\n",
             "header :contains [\"from\", \"sender\"] \"@example.com\""},
        Case{":0\n* ^List-Id:\nlists/\n", "if exists \"list-id\""},
        Case{":0\n* ^TO_debian-devel@lists\\.debian\\.org\n.Debian/\n",
             "\"apparently-resent-to\"] \"debian-devel@lists.debian.org\" {\n    fileinto "
             "\"Debian\";"},
        Case{":0\n* ^FROM_DAEMON\ndaemon/\n", "\"mailer-*\""},
        Case{":0\n* ^FROM_MAILER\nmailer/\n", "address :localpart :matches [\"from\""},
        // Negation, size, and several conditions (all must hold).
        Case{
            ":0\n* ! ^From:.*@example\\.org\n* > 100000\nbig/\n",
            "if allof (not header :contains \"from\" \"@example.org\",\n       size :over 100000)"},
        Case{":0\n* < 200\nsmall/\n", "if size :under 200"},
        // B: the body; "B ??" in a condition too.
        Case{":0 B\n* viagra|cialis\n/dev/null\n", "if body :regex \"viagra|cialis\""},
        Case{":0\n* B ?? unsubscribe\nbulk/\n", "if body :contains \"unsubscribe\""},
        // Forwards, copies, discards, the default mailbox.
        Case{":0\n* ^From:.*boss\n! me@mobile.example a@b.example\n",
             "    redirect \"me@mobile.example\";\n    redirect \"a@b.example\";\n    stop;"},
        Case{":0 c\n* ^From:.*boss\n! me@mobile.example\n",
             "    redirect :copy \"me@mobile.example\";\n}"},
        Case{":0 c\narchive/\n", "fileinto :copy \"archive\";\n"},
        Case{"DEFAULT=$HOME/Maildir/\n:0\n* ^Subject:.*x\n$DEFAULT\n", "    keep;\n    stop;"},
        Case{"MAILDIR=$HOME/Mail\n:0\n* ^Subject:.*x\n$MAILDIR/.Lists.Work/\n",
             "    fileinto \"Lists.Work\";"},
        Case{":0\n* ^Subject:.*x\n/home/joe/Mail/saved\n",
             "# the file /home/joe/Mail/saved is now a folder of the Maildir\n    fileinto "
             "\"saved\";"},
        // formail -D: the duplicate test (RFC 7352).
        Case{":0 Wh: msgid.lock\n| formail -D 8192 .msgid.cache\n",
             "if duplicate {\n    discard;\n    stop;\n}"},
        // Nested blocks; E is elsif.
        Case{":0\n* ^Subject: urgent\n{\n  :0 c\n  ! pager@example.org\n\n  :0\n  .Urgent/\n}\n",
             "if header :matches \"subject\" \"urgent*\" {\n    # line 4: :0 c\n    redirect :copy "
             "\"pager@example.org\";\n\n    # line 7: :0\n    fileinto \"Urgent\";\n    stop;\n}"},
        Case{":0\n* ^Subject:.*a\na/\n:0 E\n* ^Subject:.*b\nb/\n",
             "}\n# line 4: :0 E\nelsif header :contains \"subject\" \"b\" {"},
        // Comments are kept, continuation lines joined.
        Case{"# my rules\n:0\n* ^Subject:.*long \\\n  line\nx/\n", "# my rules\n"},
        // A continued condition: the next line's leading blanks go, the
        // blank before the backslash stays (procmailrc(5), CAVEATS).
        Case{":0\n* ^Subject:.*long \\\n  line\nx/\n",
             "header :contains \"subject\" \"long line\""}));

TEST(Procmail, RequireListsWhatIsUsed) {
  auto out = convert_procmail(":0 c\n* B ?? x\narchive/\n");
  EXPECT_NE(out.script.find("require [\"body\", \"copy\", \"fileinto\"];\n"), std::string::npos)
      << out.script;
}

struct Refused {
  const char* rc;
  std::size_t line;
  const char* reason;  // a fragment of it
};

class ProcmailRefused : public testing::TestWithParam<Refused> {};

TEST_P(ProcmailRefused, ListedWithLineAndReason) {
  auto out = convert_procmail(GetParam().rc);
  ASSERT_EQ(out.skipped.size(), 1U) << out.script;
  EXPECT_EQ(out.skipped[0].line, GetParam().line);
  EXPECT_NE(out.skipped[0].reason.find(GetParam().reason), std::string::npos)
      << out.skipped[0].reason;
  EXPECT_NE(out.script.find("# NOT TRANSLATED (line " + std::to_string(GetParam().line) + ")"),
            std::string::npos);
  expect_compiles(out.script);
}

INSTANTIATE_TEST_SUITE_P(
    Features, ProcmailRefused,
    testing::Values(Refused{"\n:0\n| /usr/bin/vacation joe\n", 2, "a pipe to a program"},
                    Refused{":0\n* ? test -f /tmp/x\nx/\n", 1, "exit code"},
                    Refused{":0\n* $ ^Subject:.*$NAME\nx/\n", 1, "variables"},
                    Refused{":0\n* 2000^0 ^Subject:.*x\nx/\n", 1, "weighted"},
                    Refused{":0\n* LOGNAME ?? joe\nx/\n", 1, "LOGNAME"},
                    Refused{":0 HB\n* money\nx/\n", 1, "header and body"},
                    Refused{":0\n* Subject:.*x\nx/\n", 1, "whole header"},
                    Refused{":0\n* ^(From|Subj.*):x\nx/\n", 1, "pattern"},
                    Refused{":0 A\n* ^Subject:.*x\nx/\n", 1, "flag A"},
                    Refused{":0\nx/\n:0 e\ny/\n", 3, "flag e"},
                    Refused{":0 h\n* ^Subject:.*x\nx/\n", 1, "only the header"},
                    Refused{":0 c\n* ^Subject:.*x\n{\n:0\nx/\n}\n", 1, "block"},
                    Refused{":0 h\n| formail -D 8192 cache\n", 1, "without the w or W flag"},
                    Refused{":0\n* ^Subject:.*x\n$FOLDER/\n", 1, "variable"},
                    Refused{"INCLUDERC=$HOME/.procmail/lists.rc\n", 1, "include"},
                    Refused{":0\n* ^Subject:.*x\n! -oi joe\n", 1, "sendmail options"},
                    Refused{":0\n* ^Subject:.*x\n", 1, "no action"}));

// Whatever the rc file holds (control characters, quotes, backslashes,
// unbalanced braces, NUL), the output is Sieve that parses: comments and
// strings never let the input out.
TEST(Procmail, HostileInputStillGivesSieveThatParses) {
  const std::vector<std::string> inputs = {
      std::string(":0\n* ^Subject:.*a\"b\\\n\"quoted\\\" folder\"/\n", 40),
      ":0\n* ^Subject:.*x\n! \"a b\"@example.org\n",
      "# comment with \r inside \r and */ and /* \n:0\n{\n:0\n{\n",
      std::string("# nul \0 byte\n:0\n* ^X-A:.*\0\nx/\n", 30),
      "}\n}\n:0 c\n{ }\n:0\n{ :0 x/ }\n",
      ":0\n* ^Subject:.*text: here\n.\nfolder\n",
      ":0 :\n*\n*\n* !\n* <\n* > x\n/dev/null\n",
      "\\\n\\\n:0\\\n",
      ":0\n* ^(a|b|):x\n* ^():x\n* ^:x\n* ^a\\:x\nx/\n",
  };
  for (const auto& rc : inputs) {
    auto out = convert_procmail(rc);
    auto parsed = parse_script(out.script);
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message) << "\n" << out.script;
  }
}

}  // namespace
}  // namespace mailroom::sieve
