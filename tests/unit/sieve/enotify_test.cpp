// RFC 5435 enotify with the RFC 5436 mailto method: notify's arguments,
// valid_notify_method, notify_method_capability, and mailto URIs (RFC 6068).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "sending_cases.hpp"
#include "sieve/sending.hpp"

namespace mailroom::sieve {
namespace {

using testing::Bad;
using testing::run_script;
using testing::SieveSendingErrors;

std::vector<std::string> folders(const Outcome& o) {
  std::vector<std::string> out;
  if (o.error) out.emplace_back("error");
  for (const auto& a : o.actions)
    if (a.kind == ActionKind::fileinto) out.push_back(a.target);
  return out;
}

TEST(SieveNotify, ActionAndDefaults) {
  auto o = run_script(
      "require \"enotify\"; notify :message \"m\" :options [\"k=v\"] "
      "\"mailto:c@example.com?subject=Hi\";");
  ASSERT_FALSE(o.error);
  ASSERT_EQ(o.actions.size(), 2U);
  const Action& n = o.actions[0];
  EXPECT_EQ(n.kind, ActionKind::notify);
  EXPECT_EQ(n.target, "mailto:c@example.com?subject=Hi");
  EXPECT_EQ(n.notify->importance, "2");  // §3.4: normal
  EXPECT_EQ(n.notify->message, "m");
  EXPECT_EQ(n.notify->options, (std::vector<std::string>{"k=v"}));
  EXPECT_TRUE(o.actions[1].implicit);
}

TEST(SieveNotify, SameNotificationOnce) {
  auto o = run_script(
      "require \"enotify\"; notify \"mailto:c@example.com\"; notify \"mailto:c@example.com\";"
      "notify :importance \"1\" \"mailto:c@example.com\";");
  EXPECT_EQ(o.actions.size(), 3U);  // two notifications and the implicit keep
}

TEST(SieveNotify, VariablesCheckedWhenRun) {
  auto o = run_script(
      "require [\"enotify\", \"variables\"]; set \"m\" \"xmpp\"; notify \"${m}:c@example.com\";");
  EXPECT_TRUE(o.error);
  o = run_script(
      "require [\"enotify\", \"variables\"]; set \"i\" \"7\"; notify :importance \"${i}\" "
      "\"mailto:c@example.com\";");
  EXPECT_TRUE(o.error);
  o = run_script(
      "require [\"enotify\", \"variables\"]; set \"a\" \"c@example.com\"; notify \"mailto:${a}\";");
  ASSERT_FALSE(o.error);
  EXPECT_EQ(o.actions[0].target, "mailto:c@example.com");
}

TEST(SieveNotify, Tests) {
  auto o = run_script(
      "require [\"enotify\", \"fileinto\"];"
      "if valid_notify_method [\"mailto:a@example.com\", \"xmpp:q@example.com\"] {fileinto \"A\";}"
      "if valid_notify_method \"mailto:a@example.com\" {fileinto \"B\";}"
      "if valid_notify_method \"mailto:\" {fileinto \"B2\";}"
      "if notify_method_capability \"mailto:x@example.com\" \"Online\" \"MAYBE\" {fileinto \"C\";}"
      "if notify_method_capability \"mailto:x@example.com\" \"online\" \"yes\" {fileinto \"D\";}"
      "if notify_method_capability \"xmpp:x@example.com\" \"online\" \"maybe\" {fileinto \"E\";}"
      "if notify_method_capability :comparator \"i;octet\" \"mailto:x@example.com\" \"online\" "
      "\"MAYBE\" {fileinto \"F\";}");
  EXPECT_EQ(folders(o), (std::vector<std::string>{"B", "C"}));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5435, SieveSendingErrors,
    ::testing::Values(
        Bad{"notify \"mailto:a@example.com\";", DiagnosticKind::missing_require},
        Bad{"require \"enotify\"; notify \"foo:a@example.com\";", DiagnosticKind::bad_arguments},
        Bad{"require \"enotify\"; notify \"mailto:nobody\";", DiagnosticKind::bad_arguments},
        Bad{"require \"enotify\"; notify :importance \"4\" \"mailto:a@example.com\";",
            DiagnosticKind::bad_arguments},
        Bad{"require \"enotify\"; notify :options \"a\" \"mailto:a@example.com\";",
            DiagnosticKind::bad_arguments},
        Bad{"require \"enotify\"; notify :from \"bad\" \"mailto:a@example.com\";",
            DiagnosticKind::bad_arguments},
        Bad{"require \"enotify\"; notify :message \"a\" :message \"b\" \"mailto:a@example.com\";",
            DiagnosticKind::duplicate_tag},
        Bad{"require \"enotify\"; notify;", DiagnosticKind::bad_arguments},
        Bad{"require \"enotify\"; if valid_notify_method {keep;}", DiagnosticKind::bad_arguments},
        Bad{"require \"enotify\"; if notify_method_capability \"mailto:a@b.c\" \"online\" {keep;}",
            DiagnosticKind::bad_arguments},
        Bad{"if valid_notify_method \"mailto:a@b.c\" {keep;}", DiagnosticKind::missing_require}));

TEST(SieveMailto, Parse) {
  std::string why;
  auto uri = parse_mailto(
      "mailto:a@example.com,b%40example.com?cc=c@example.com&subject=Hello%20you&body=x%0Ay&"
      "from=evil@example.com&X-Tag=1",
      why);
  ASSERT_TRUE(uri) << why;
  EXPECT_EQ(uri->to, (std::vector<std::string>{"a@example.com", "b@example.com", "c@example.com"}));
  EXPECT_EQ(uri->body, "x\ny");
  // RFC 5436 §2.2: From is ours to set; the URI's is dropped.
  EXPECT_EQ(uri->headers, (std::vector<std::pair<std::string, std::string>>{
                              {"Cc", "c@example.com"}, {"subject", "Hello you"}, {"X-Tag", "1"}}));
  for (const char* bad : {"mailto:", "mailto:a@b.c?subject=%zz", "mailto:a b@c.d", "http://x",
                          "mailto:a@b.c?noequals"})
    EXPECT_FALSE(parse_mailto(bad, why)) << bad;
}

}  // namespace
}  // namespace mailroom::sieve
