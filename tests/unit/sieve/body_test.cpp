// RFC 5173 body: :raw, :content and :text over the MIME tree, decoded by
// the message module, and the error cases. Expectations checked against
// Pigeonhole 0.5.19 (tests/data/sieve/messages/multipart.eml is the same
// shape).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace mailroom::sieve {
namespace {

// text/plain in latin1 quoted-printable, text/html in base64 ("<p>Hello
// <b>HTML</b> &amp; co</p>"), a base64 attachment ("secret payload").
constexpr const char* kMultipart =
    "From: a@example.org\r\n"
    "Subject: s\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "The preamble.\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=ISO-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=E9 code XYZZY.\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "PHA+SGVsbG8gPGI+SFRNTDwvYj4gJmFtcDsgY288L3A+\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename=\"a.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "c2VjcmV0IHBheWxvYWQ=\r\n"
    "--outer--\r\n"
    "The epilogue.\r\n";

bool body_holds(const std::string& test, const char* raw = kMultipart, RunLimits limits = {}) {
  auto program =
      compile("require [\"body\", \"fileinto\"];\nif " + test + " { fileinto \"yes\"; }");
  EXPECT_TRUE(program) << test << "\n -> " << program.error().front().message;
  if (!program) return false;
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(raw));
  RunOptions options;
  options.limits = limits;
  auto outcome = run(*program, message::Message::parse(buffer), {}, options);
  EXPECT_FALSE(outcome.error) << test;
  return outcome.actions.front().kind == ActionKind::fileinto;
}

struct Case {
  const char* test;
  bool expected;
};

class SieveBody : public ::testing::TestWithParam<Case> {};

TEST_P(SieveBody, OnAMultipartMessage) {
  EXPECT_EQ(body_holds(GetParam().test), GetParam().expected) << GetParam().test;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5173, SieveBody,
    ::testing::Values(
        // :text (the default): text parts, decoded, HTML as plain text
        Case{"body :contains \"xyzzy\"", true}, Case{"body :text :contains \"Caf\xC3\xA9\"", true},
        Case{"body :contains \"Hello HTML & co\"", true}, Case{"body :contains \"<b>\"", false},
        Case{"body :contains \"secret\"", false}, Case{"body :contains \"preamble\"", false},
        Case{"body :contains \"Content-Type\"", false},
        // :raw: the body as written, nothing decoded
        Case{"body :raw :contains \"Caf=E9\"", true}, Case{"body :raw :contains \"--inner\"", true},
        Case{"body :raw :contains \"c2VjcmV0\"", true},
        Case{"body :raw :contains \"Caf\xC3\xA9\"", false},
        Case{"body :raw :matches \"The preamble.*The epilogue.\r\n\"", true},
        // :content: the parts of those types, transfer-decoded, text in UTF-8
        Case{"body :content \"text\" :contains \"<b>HTML\"", true},
        Case{"body :content \"text/plain\" :contains \"Caf\xC3\xA9\"", true},
        Case{"body :content \"TEXT/HTML\" :contains \"xyzzy\"", false},
        Case{"body :content \"text/html\" :contains \"&amp;\"", true},
        Case{"body :content \"application\" :contains \"secret payload\"", true},
        Case{"body :content \"\" :contains \"secret payload\"", true},
        Case{"body :content [\"image\", \"text/plain\"] :is \"Caf\xC3\xA9 code XYZZY.\"", true},
        // a multipart's own text is its preamble and epilogue, not its parts
        Case{"body :content \"multipart\" :contains \"The preamble\"", true},
        Case{"body :content \"multipart/mixed\" :contains \"The epilogue\"", true},
        Case{"body :content \"multipart\" :contains \"xyzzy\"", false},
        Case{"body :content \"\" :contains \"Content-Transfer-Encoding\"", false},
        Case{"body :comparator \"i;octet\" :contains \"xyzzy\"", false}));

TEST(SieveBodyPlain, AMessageWithoutMimeIsOneTextPart) {
  const char* plain = "Subject: x\r\n\r\nline one\r\nline two\r\n";
  // (a quoted Sieve string may hold the CRLF itself, RFC 5228 §2.4.2)
  EXPECT_TRUE(body_holds("body :is \"line one\r\nline two\r\n\"", plain));
  EXPECT_TRUE(body_holds("body :raw :is \"line one\r\nline two\r\n\"", plain));
  EXPECT_FALSE(body_holds("body :is \"line one\"", plain));
  EXPECT_TRUE(body_holds("body :content \"text/plain\" :contains \"two\"", plain));
  EXPECT_FALSE(body_holds("body :contains \"Subject\"", plain));
}

// Each part visited is a step, so a huge MIME tree meets the step limit.
TEST(SieveBodyLimits, PartsCountAsSteps) {
  RunLimits limits;
  limits.max_steps = 3;
  auto program = compile("require \"body\"; if body :content \"\" :contains \"zz\" { keep; }");
  ASSERT_TRUE(program);
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(kMultipart));
  RunOptions options;
  options.limits = limits;
  auto outcome = run(*program, message::Message::parse(buffer), {}, options);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->kind, DiagnosticKind::runtime);
}

struct Failing {
  const char* script;
  DiagnosticKind kind;
};

class SieveBodyFail : public ::testing::TestWithParam<Failing> {};

TEST_P(SieveBodyFail, KindAndLine) {
  auto program = compile(std::string("require \"body\";\n\n") + GetParam().script);
  ASSERT_FALSE(program) << GetParam().script;
  EXPECT_EQ(program.error().front().kind, GetParam().kind) << program.error().front().message;
  EXPECT_EQ(program.error().front().position.line, 3U) << GetParam().script;
}

using K = DiagnosticKind;
INSTANTIATE_TEST_SUITE_P(
    Rfc5173, SieveBodyFail,
    ::testing::Values(Failing{"if body :raw :text \"x\" {}", K::duplicate_tag},
                      Failing{"if body :content :contains \"x\" {}", K::bad_arguments},
                      Failing{"if body :raw {}", K::bad_arguments},
                      Failing{"if body \"a\" \"b\" {}", K::bad_arguments},
                      Failing{"if body :domain \"a\" {}", K::unknown_tag},
                      Failing{"if body :is :matches \"a\" {}", K::duplicate_tag}));

TEST(SieveBodyRequire, NeedsTheExtension) {
  auto program = compile("if body :contains \"x\" {}");
  ASSERT_FALSE(program);
  EXPECT_EQ(program.error().front().kind, DiagnosticKind::missing_require);
}

}  // namespace
}  // namespace mailroom::sieve
