// The session <-> worker datagrams (lmtp/worker_wire.hpp).
#include "lmtp/worker_wire.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mailroom::lmtp {
namespace {

using namespace std::string_literals;

TEST(LmtpWorkerWire, RequestRoundTripsWithEmptyFields) {
  WorkRequest sent{"bob", "", "orig@example.net", "bob+x@example.net", "", "helo.example",
                   "",    "", "/srv/mail/bob"};
  auto datagram = encode(sent);
  ASSERT_TRUE(datagram);
  auto got = decode_request(*datagram);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->user, "bob");
  EXPECT_EQ(got->sender, "");
  EXPECT_EQ(got->original, "orig@example.net");
  EXPECT_EQ(got->address, "bob+x@example.net");
  EXPECT_EQ(got->client_addr, "");
  EXPECT_EQ(got->client_helo, "helo.example");
  EXPECT_EQ(got->client_name, "");
  EXPECT_EQ(got->home, "");  // a virtual user has none
  EXPECT_EQ(got->maildir, "/srv/mail/bob");
}

TEST(LmtpWorkerWire, CarriesTheUserTheSessionFound) {
  // The worker delivers where the session's lookup at RCPT TO said, and
  // does not look the user up again.
  auto got = decode_request(
      *encode(WorkRequest{"bob", "", "", "bob@example.net", "", "", "", "/home/bob", "/m/bob"}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->home, "/home/bob");
  EXPECT_EQ(got->maildir, "/m/bob");
}

TEST(LmtpWorkerWire, RefusesAFieldHoldingTheSeparator) {
  // A NUL would shift every later field by one: the sender would be read
  // as the recipient's address.
  EXPECT_FALSE(encode(WorkRequest{"bob", "a\0b"s, "", "bob@example.net", "", "", ""}));
}

TEST(LmtpWorkerWire, RefusesARequestOverTheDatagramLimit) {
  EXPECT_FALSE(encode(WorkRequest{"bob", std::string(kMaxWorkDatagram, 'a'), "", "", "", "", ""}));
}

TEST(LmtpWorkerWire, RefusesMalformedRequests) {
  EXPECT_FALSE(decode_request(""));
  EXPECT_FALSE(decode_request("bob\0\0\0\0\0\0\0/m\0"s));   // 8 fields and the message
  EXPECT_FALSE(decode_request("bob\0\0\0\0\0\0\0\0/m"s));   // no message field
  EXPECT_FALSE(decode_request("\0\0\0\0\0\0\0\0/m\0"s));    // no user
  EXPECT_FALSE(decode_request("bob\0\0\0\0\0\0\0\0\0"s));   // no Maildir
  EXPECT_TRUE(decode_request("bob\0\0\0\0\0\0\0\0/m\0"s));  // 9 fields, no message
}

TEST(LmtpWorkerWire, CarriesASmallMessageWhateverBytesItHolds) {
  // 8BITMIME and binary junk: NUL in the message is the message's, not a
  // separator.
  const std::string body = "Subject: x\n\nnul \0 here\0\0 and at the end\0"s;
  auto got = decode_request(
      *encode(WorkRequest{"bob", "", "", "bob@example.net", "", "", "", "", "/m/bob", body}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->maildir, "/m/bob");
  EXPECT_EQ(got->message, body);
  EXPECT_FALSE(encode(WorkRequest{"bob", "", "", "bob@example.net", "", "", "", "", "/m/bob",
                                  std::string(kMaxInlineMessage + 1, 'x')}));
}

TEST(LmtpWorkerWire, ReportRoundTripsAndKeepsItsFieldsApart) {
  auto got = decode_report(encode(WorkReport{77, "5.2.2", "over quota\0 really"s}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->exit_code, 77);
  EXPECT_EQ(got->status, "5.2.2");
  EXPECT_EQ(got->reason, "over quota  really");
  got = decode_report(encode(WorkReport{0, "", ""}));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->exit_code, 0);
}

TEST(LmtpWorkerWire, RefusesMalformedReports) {
  // A report that cannot be read must never become a 250.
  EXPECT_FALSE(decode_report(""));
  EXPECT_FALSE(decode_report("0"));
  EXPECT_FALSE(decode_report("\0\0"s));
  EXPECT_FALSE(decode_report("0x\0\0"s));
  EXPECT_FALSE(decode_report("0\0\0\0"s));
}

}  // namespace
}  // namespace mailroom::lmtp
