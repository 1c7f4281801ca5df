// RFC 5230 vacation and RFC 6131 vacation-seconds: arguments checked when
// compiled, the action and its defaults when run, the conflicts §4.7 and
// RFC 5429 name.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "mailroom/sieve/report.hpp"
#include "sending_cases.hpp"

namespace mailroom::sieve {
namespace {

using testing::Bad;
using testing::run_script;
using testing::SieveSendingErrors;

const Action* find(const Outcome& o, ActionKind kind) {
  for (const auto& a : o.actions)
    if (a.kind == kind) return &a;
  return nullptr;
}

TEST(SieveVacation, DefaultsAndHandle) {
  auto o = run_script("require \"vacation\"; vacation \"away\";");
  ASSERT_FALSE(o.error);
  const Action* v = find(o, ActionKind::vacation);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->reason, "away");
  EXPECT_EQ(v->vacation->seconds, 7U * 86400);  // §4.1: 7 days
  // §4.2: the default handle, in Pigeonhole's form (so sieve-test agrees)
  EXPECT_EQ(v->vacation->handle, "away<default-subject><default-from><NO-MIME>");
  EXPECT_NE(find(o, ActionKind::keep), nullptr);  // vacation keeps the implicit keep
}

TEST(SieveVacation, AllTags) {
  auto o = run_script(
      "require [\"vacation\", \"variables\"]; set \"who\" \"Bob\";"
      "vacation :days 3 :subject \"Out ${who}\" :from \"Bob <bob@example.net>\""
      " :addresses [\"b@example.net\", \"bob@example.com\"] :mime :handle \"h1\" \"r\";");
  ASSERT_FALSE(o.error) << o.error->message;
  const Action* v = find(o, ActionKind::vacation);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->vacation->seconds, 3U * 86400);
  EXPECT_EQ(v->vacation->subject, "Out Bob");
  EXPECT_EQ(v->vacation->from, "Bob <bob@example.net>");
  EXPECT_EQ(v->vacation->addresses.size(), 2U);
  EXPECT_TRUE(v->vacation->mime);
  EXPECT_EQ(v->vacation->handle, "h1");
}

TEST(SieveVacation, PeriodClampedWithWarning) {
  for (const char* script : {"require \"vacation\"; vacation :days 0 \"a\";",
                             "require \"vacation-seconds\"; vacation :seconds 10 \"a\";"}) {
    auto program = compile(script);
    ASSERT_TRUE(program) << script;
    ASSERT_EQ(program->warnings.size(), 1U) << script;
    auto o = run_script(script);
    EXPECT_EQ(find(o, ActionKind::vacation)->vacation->seconds, 86400U) << script;
  }
  auto o = run_script("require \"vacation-seconds\"; vacation :seconds 90000 \"a\";");
  EXPECT_EQ(find(o, ActionKind::vacation)->vacation->seconds, 90000U);
}

TEST(SieveVacation, SecondVacationAndRejectAreErrors) {
  // RFC 5230 §4.7 / RFC 5429 §2.1, as Pigeonhole: a run-time error keeps.
  for (const char* script : {"require \"vacation\"; vacation \"a\"; vacation \"b\";",
                             "require [\"vacation\", \"reject\"]; vacation \"a\"; reject \"n\";",
                             "require [\"vacation\", \"reject\"]; reject \"n\"; vacation \"a\";"}) {
    auto o = run_script(script);
    EXPECT_TRUE(o.error) << script;
    ASSERT_EQ(o.actions.size(), 1U) << script;
    EXPECT_TRUE(o.actions[0].implicit) << script;
  }
}

TEST_P(SieveSendingErrors, Refused) {
  auto program = compile(GetParam().script);
  ASSERT_FALSE(program) << GetParam().script;
  EXPECT_EQ(program.error().front().kind, GetParam().kind) << program.error().front().message;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5230, SieveSendingErrors,
    ::testing::Values(
        Bad{"vacation \"a\";", DiagnosticKind::missing_require},
        Bad{"require \"vacation\"; vacation :seconds 5 \"a\";", DiagnosticKind::missing_require},
        Bad{"require \"vacation\"; vacation;", DiagnosticKind::bad_arguments},
        Bad{"require \"vacation\"; vacation :days \"3\" \"a\";", DiagnosticKind::bad_arguments},
        Bad{"require \"vacation\"; vacation :days 1 :days 2 \"a\";", DiagnosticKind::duplicate_tag},
        Bad{"require \"vacation-seconds\"; vacation :days 1 :seconds 2 \"a\";",
            DiagnosticKind::bad_arguments},
        Bad{"require \"vacation\"; vacation :from \"not an address\" \"a\";",
            DiagnosticKind::bad_address},
        Bad{"require \"vacation\"; vacation :copy \"a\";", DiagnosticKind::unknown_tag},
        Bad{"require \"vacation\"; vacation \"a\" :days 2;", DiagnosticKind::bad_arguments},
        Bad{"require \"vacation\"; vacation :fcc \"Sent\" \"a\";", DiagnosticKind::missing_require},
        Bad{"require [\"vacation\", \"fcc\"]; vacation :create \"a\";",
            DiagnosticKind::bad_arguments}));

TEST(SieveFcc, OnVacationWithCreateAndFlags) {
  auto o = run_script(
      "require [\"vacation\", \"fcc\", \"mailbox\", \"imap4flags\"];"
      "vacation :fcc \"Sent\" :create :flags [\"\\\\seen\", \"$auto\"] \"a\";");
  ASSERT_FALSE(o.error) << o.error->message;
  const Action* v = find(o, ActionKind::vacation);
  ASSERT_TRUE(v->fcc);
  EXPECT_EQ(v->fcc->folder, "Sent");
  EXPECT_TRUE(v->fcc->create);
  EXPECT_EQ(v->fcc->flags, (std::vector<std::string>{"\\Seen", "$auto"}));
  const std::string json = to_json(o);
  EXPECT_NE(json.find("\"fcc\":{\"folder\":\"Sent\",\"create\":true,\"flags\":[\"\\\\Seen\","
                      "\"$auto\"]}"),
            std::string::npos)
      << json;
}

TEST(SieveVacation, Json) {
  auto o = run_script("require \"vacation\"; vacation :subject \"S\" :days 2 \"R\";");
  const std::string json = to_json(o);
  EXPECT_NE(json.find("{\"action\":\"vacation\",\"from\":\"\",\"subject\":\"S\",\"reason\":\"R\","
                      "\"days\":2,\"seconds\":172800,\"handle\":\"R" /* handle follows */),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"addresses\":[],\"mime\":false,\"fcc\":null,\"line\":1}"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace mailroom::sieve
