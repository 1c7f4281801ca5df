// The messages Sieve sends: the RFC 3834 / RFC 5230 §4.5-§4.6 table of
// messages that must and must not get a vacation reply, the reply itself
// (RFC 5230 §5: threading, Auto-Submitted, "Auto:" subject, RFC 2047 and a
// UTF-8 body with a sensible transfer encoding, :mime), and the mailto
// notification (RFC 5436 §2.7).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "mailroom/sieve/outgoing.hpp"
#include "sieve/mime_encode.hpp"

namespace mailroom::sieve {
namespace {

message::Message parse(const std::string& text) {
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(text)));
}

Delivery delivery(std::string sender = "alice@example.org") {
  return {std::move(sender), "bob@example.net", "bob+work@example.net", 1796644800,
          "mx.example.net"};
}

const std::string kPlain =
    "From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\nSubject: Lunch?\n"
    "Message-ID: <m1@example.org>\nReferences: <m0@example.org>\n\nHello\n";

struct Rule {
  const char* name;
  std::string head;    // fields placed before kPlain's
  std::string sender;  // envelope sender
  bool answered;
};

class VacationRules : public ::testing::TestWithParam<Rule> {};

TEST_P(VacationRules, AnswerOrNot) {
  const Rule& rule = GetParam();
  Vacation vacation;
  auto why = vacation_refusal(parse(rule.head + kPlain), vacation, delivery(rule.sender));
  if (rule.answered) {
    EXPECT_EQ(why, "") << rule.name;
  } else {
    EXPECT_NE(why, "") << rule.name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3834, VacationRules,
    ::testing::Values(
        Rule{"a person", "", "alice@example.org", true},
        Rule{"Auto-Submitted: no", "Auto-Submitted: no\n", "alice@example.org", true},
        Rule{"null sender", "", "", false},
        Rule{"MAILER-DAEMON", "", "MAILER-DAEMON@example.org", false},
        Rule{"noreply", "", "noreply@example.org", false},
        Rule{"no-reply", "", "No-Reply@example.org", false},
        Rule{"bounce+tag", "", "bounces+abc=example.net@lists.example.org", false},
        Rule{"owner-", "", "owner-list@example.org", false},
        Rule{"-request", "", "list-request@example.org", false},
        Rule{"auto-replied", "Auto-Submitted: auto-replied\n", "alice@example.org", false},
        Rule{"auto-generated (comment)", "Auto-Submitted: auto-generated (cron)\n",
             "alice@example.org", false},
        Rule{"Precedence bulk", "Precedence: bulk\n", "alice@example.org", false},
        Rule{"Precedence junk", "Precedence: junk\n", "alice@example.org", false},
        Rule{"Precedence list", "Precedence: List\n", "alice@example.org", false},
        Rule{"List-Id", "List-Id: <x.example.org>\n", "alice@example.org", false},
        Rule{"List-Unsubscribe", "List-Unsubscribe: <mailto:u@example.org>\n", "alice@example.org",
             false},
        Rule{"X-Auto-Response-Suppress", "X-Auto-Response-Suppress: OOF, AutoReply\n",
             "alice@example.org", false},
        Rule{"our loop field", "X-Mailroom-Loop: <bob@example.net>\n", "alice@example.org", false},
        Rule{"another user's loop field", "X-Mailroom-Loop: <carol@example.net>\n",
             "alice@example.org", true},
        Rule{"from the user", "", "bob@example.net", false}));

TEST(VacationRules, OnlyMailAddressedToTheUser) {
  Vacation vacation;
  const std::string bcc = "From: a@example.org\nTo: list@example.org\nSubject: x\n\nbody\n";
  EXPECT_NE(vacation_refusal(parse(bcc), vacation, delivery()), "");
  // §4.5: the :addresses (and the original recipient, with its detail) count.
  vacation.addresses = {"list@example.org"};
  EXPECT_EQ(vacation_refusal(parse(bcc), vacation, delivery()), "");
  vacation.addresses.clear();
  const std::string detail = "From: a@example.org\nCc: BOB+Work@Example.NET\n\nbody\n";
  EXPECT_EQ(vacation_refusal(parse(detail), vacation, delivery()), "");
}

Action vacation_action(std::string reason) {
  Action a;
  a.kind = ActionKind::vacation;
  a.reason = std::move(reason);
  a.vacation = Vacation{};
  return a;
}

std::string header(const std::string& text, const std::string& name) {
  auto message = parse(text);
  return message.value(name);
}

TEST(VacationReply, Headers) {
  auto out = vacation_reply(parse(kPlain), vacation_action("I am away."), delivery());
  EXPECT_EQ(out.envelope_from, "");  // MAIL FROM:<>
  EXPECT_EQ(out.recipients, (std::vector<std::string>{"alice@example.org"}));
  EXPECT_EQ(header(out.text, "To"), "<alice@example.org>");
  EXPECT_EQ(header(out.text, "From"), "<bob@example.net>");
  EXPECT_EQ(header(out.text, "Subject"), "Auto: Lunch?");
  EXPECT_EQ(header(out.text, "In-Reply-To"), "<m1@example.org>");
  EXPECT_EQ(header(out.text, "References"), "<m0@example.org> <m1@example.org>");
  EXPECT_EQ(header(out.text, "Auto-Submitted"), "auto-replied");
  EXPECT_EQ(header(out.text, "X-Mailroom-Loop"), "<bob@example.net>");
  EXPECT_EQ(header(out.text, "Date"), "Mon, 07 Dec 2026 12:00:00 +0000");
  EXPECT_EQ(header(out.text, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header(out.text, "Content-Transfer-Encoding"), "7bit");
  EXPECT_NE(out.text.find("\n\nI am away.\n"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find('\r'), std::string::npos);
}

TEST(VacationReply, NonAsciiSubjectAndReason) {
  Action a = vacation_action("Je suis absent jusqu'à lundi. Réponse dès mon retour, merci.");
  a.vacation->subject = "Absent — réponse automatique, très longue pour être pliée en deux mots";
  a.vacation->from = "Bérénice <bob@example.net>";
  auto out = vacation_reply(parse(kPlain), a, delivery());
  auto reply = parse(out.text);
  EXPECT_EQ(reply.subject(), a.vacation->subject);
  EXPECT_NE(header(out.text, "Subject").find("=?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(reply.addresses("From").front().display_name, "Bérénice");
  for (auto line_end = out.text.find('\n'); line_end != std::string::npos;) {
    auto next = out.text.find('\n', line_end + 1);
    if (next == std::string::npos) break;
    EXPECT_LE(next - line_end - 1, 78U);  // RFC 5322 §2.1.1 in the header and body
    line_end = next;
  }
  EXPECT_EQ(header(out.text, "Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_NE(out.text.find("jusqu'=C3=A0 lundi"), std::string::npos) << out.text;

  a.reason = "Я в отпуске до понедельника.";
  out = vacation_reply(parse(kPlain), a, delivery());
  EXPECT_EQ(header(out.text, "Content-Transfer-Encoding"), "base64");
  auto reply2 = parse(out.text);
  EXPECT_EQ(reply2.body_text(), "Я в отпуске до понедельника.");
}

TEST(VacationReply, EncodedOriginalSubjectAndMime) {
  const std::string encoded =
      "From: a@example.org\nTo: bob@example.net\nSubject: =?ISO-8859-1?Q?caf=E9?=\n\nx\n";
  auto out = vacation_reply(parse(encoded), vacation_action("r"), delivery());
  EXPECT_EQ(parse(out.text).subject(), "Auto: café");
  EXPECT_EQ(header(out.text, "In-Reply-To"), "");  // no Message-ID to answer

  Action mime = vacation_action("Content-Type: text/html; charset=utf-8\r\n\r\n<p>Away</p>\r\n");
  mime.vacation->mime = true;
  out = vacation_reply(parse(kPlain), mime, delivery());
  EXPECT_EQ(header(out.text, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header(out.text, "MIME-Version"), "1.0");
  EXPECT_NE(out.text.find("\n\n<p>Away</p>\n"), std::string::npos) << out.text;
}

TEST(MailtoNotification, Message) {
  Action a;
  a.kind = ActionKind::notify;
  a.target = "mailto:carol@example.com?subject=New%20mail&X-Tag=t";
  a.notify = Notify{};
  a.notify->importance = "1";
  auto out = mailto_notification(parse(kPlain), a, delivery());
  EXPECT_EQ(out.envelope_from, "bob@example.net");
  EXPECT_EQ(out.recipients, (std::vector<std::string>{"carol@example.com"}));
  EXPECT_EQ(header(out.text, "Subject"), "New mail");
  EXPECT_EQ(header(out.text, "Auto-Submitted"), "auto-notified");
  EXPECT_EQ(header(out.text, "Importance"), "high");
  EXPECT_EQ(header(out.text, "X-Tag"), "t");
  EXPECT_NE(out.text.find("New mail from Alice <alice@example.org>: Lunch?"), std::string::npos);
  a.target = "mailto:carol@example.com";
  a.notify->message = "Mail: ünïcode";
  out = mailto_notification(parse(kPlain), a, delivery());
  EXPECT_EQ(parse(out.text).subject(), "Mail: ünïcode");
}

TEST(MailtoNotification, NotForAutoSubmitted) {
  EXPECT_NE(notify_refusal(parse("Auto-Submitted: auto-replied\n" + kPlain), delivery()), "");
  EXPECT_EQ(notify_refusal(parse(kPlain), delivery()), "");
}

TEST(MimeEncode, QuotedPrintable) {
  EXPECT_EQ(quoted_printable_body("a=b \nc\xC3\xA9\n"), "a=3Db=20\nc=C3=A9\n");
  std::string long_line(100, 'x');
  EXPECT_EQ(quoted_printable_body(long_line), std::string(75, 'x') + "=\n" + std::string(25, 'x'));
  EXPECT_EQ(base64_body("hello"), "aGVsbG8=\n");
}

}  // namespace
}  // namespace mailroom::sieve
