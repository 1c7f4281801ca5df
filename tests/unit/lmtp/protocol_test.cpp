// The LMTP protocol engine, driven as the session drives it. Every
// conversation is also fed one byte at a time and must give the same
// replies and message (STYLE.md, after Dovecot's test-istream.c).
#include "lmtp/protocol.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace mailroom::lmtp {
namespace {

std::optional<Reply> check(std::string_view address, std::string& user) {
  user = std::string(address.substr(0, address.find('@')));
  if (user == "nobody") return Reply{550, "5.1.1", "no such user"};
  if (user == "later") return Reply{451, "4.3.0", "lookup failed"};
  return std::nullopt;
}

struct Conversation {
  std::string replies;
  std::vector<Transaction> messages;
  bool closed = false;
};

// Runs `input` through a Protocol fed in chunks of `chunk` bytes; each
// message gets `per_recipient` as the reply of every recipient.
Conversation converse(std::string_view input, std::size_t chunk, Limits limits = {},
                      Reply per_recipient = {250, "2.0.0", "delivered"}) {
  Protocol protocol(limits, "lmtp.example.net", check);
  Conversation result;
  for (std::size_t at = 0; at < input.size() && !result.closed; at += chunk) {
    protocol.feed(input.substr(at, chunk));
    for (;;) {
      auto out = protocol.run();
      result.replies += out.replies;
      result.closed = out.close;
      if (!out.message) break;
      std::vector<Reply> replies(out.message->recipients.size(), per_recipient);
      result.replies += protocol.finish(replies);
      result.messages.push_back(std::move(*out.message));
    }
  }
  return result;
}

// Both ways of feeding must agree; returns the whole-input result.
Conversation both(std::string_view input, Limits limits = {},
                  Reply per_recipient = {250, "2.0.0", "delivered"}) {
  auto whole = converse(input, input.size(), limits, per_recipient);
  auto bytes = converse(input, 1, limits, per_recipient);
  EXPECT_EQ(whole.replies, bytes.replies);
  EXPECT_EQ(whole.messages.size(), bytes.messages.size());
  for (std::size_t i = 0; i < whole.messages.size() && i < bytes.messages.size(); ++i)
    EXPECT_EQ(whole.messages[i].data, bytes.messages[i].data);
  return whole;
}

constexpr std::string_view kLhlo = "LHLO mx.example.net\r\n";
constexpr std::string_view kLhloReply =
    "250-lmtp.example.net\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
    "250-SMTPUTF8\r\n250-XFORWARD NAME ADDR PROTO HELO\r\n250 SIZE 104857600\r\n";

TEST(LmtpProtocol, OneReplyPerAcceptedRecipientAfterData) {
  std::string input(kLhlo);
  input +=
      "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nRCPT "
      "TO:<nobody@example.net>\r\n"
      "RCPT TO:<carol@example.net>\r\nDATA\r\nSubject: hi\r\n\r\n..dot\r\nbody\r\n.\r\nQUIT\r\n";
  auto result = both(input);
  EXPECT_EQ(result.replies, std::string(kLhloReply) +
                                "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
                                "550 5.1.1 no such user\r\n250 2.1.5 OK\r\n"
                                "354 start mail input; end with <CRLF>.<CRLF>\r\n"
                                "250 2.0.0 delivered\r\n250 2.0.0 delivered\r\n"
                                "221 2.0.0 lmtp.example.net closing connection\r\n");
  ASSERT_EQ(result.messages.size(), 1U);
  const auto& message = result.messages[0];
  EXPECT_EQ(message.sender, "alice@example.org");
  ASSERT_EQ(message.recipients.size(), 2U);
  EXPECT_EQ(message.recipients[0].user, "bob");
  EXPECT_EQ(message.recipients[1].address, "carol@example.net");
  EXPECT_EQ(message.data, "Subject: hi\n\n.dot\nbody\n");
  EXPECT_TRUE(result.closed);
}

TEST(LmtpProtocol, PipelinedTransactionsKeepTheirOrder) {
  std::string input(kLhlo);
  for (int i = 0; i < 3; ++i)
    input +=
        "MAIL FROM:<>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\nm" + std::to_string(i) + "\r\n.\r\n";
  input += "NOOP\r\n";
  auto result = both(input, {}, {451, "4.3.0", "later"});
  ASSERT_EQ(result.messages.size(), 3U);
  EXPECT_EQ(result.messages[2].data, "m2\n");
  EXPECT_EQ(result.messages[0].sender, "");
  std::string one =
      "250 2.1.0 OK\r\n250 2.1.5 OK\r\n354 start mail input; end with <CRLF>.<CRLF>\r\n"
      "451 4.3.0 later\r\n";
  EXPECT_EQ(result.replies, std::string(kLhloReply) + one + one + one + "250 2.0.0 OK\r\n");
}

TEST(LmtpProtocol, EnforcesTheOrderOfCommands) {
  auto result = both(
      "MAIL FROM:<a@example.org>\r\nLHLO x\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"
      "MAIL FROM:<a@example.org>\r\nMAIL FROM:<a@example.org>\r\nDATA\r\nXFORWARD ADDR=1.2.3.4\r\n"
      "EHLO x\r\nRSET\r\nXFORWARD ADDR=1.2.3.4\r\n");
  const std::string expected =
      "503 5.5.1 send LHLO first\r\n" + std::string(kLhloReply).replace(4, 16, "lmtp.example.net") +
      "503 5.5.1 send MAIL first\r\n503 5.5.1 send MAIL first\r\n250 2.1.0 OK\r\n"
      "503 5.5.1 nested MAIL command\r\n554 5.5.1 no valid recipients\r\n"
      "503 5.5.1 XFORWARD not allowed in a transaction\r\n500 5.5.1 this is LMTP: use LHLO\r\n"
      "250 2.0.0 OK\r\n250 2.0.0 OK\r\n";
  EXPECT_EQ(result.replies, expected);
}

TEST(LmtpProtocol, XforwardGivesTheClientOfTheNextTransactionOnly) {
  std::string input(kLhlo);
  input +=
      "XFORWARD ADDR=192.0.2.7 HELO=mail.example.org\r\nXFORWARD NAME=mail.example.org\r\n"
      "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\nx\r\n.\r\n"
      "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\ny\r\n.\r\n";
  auto result = both(input);
  ASSERT_EQ(result.messages.size(), 2U);
  EXPECT_EQ(result.messages[0].client.addr, "192.0.2.7");
  EXPECT_EQ(result.messages[0].client.helo, "mail.example.org");
  EXPECT_EQ(result.messages[0].client.name, "mail.example.org");
  EXPECT_EQ(result.messages[1].client.addr, "");
}

TEST(LmtpProtocol, BareLfNulAndLongLinesAreAnswered) {
  Limits limits;
  limits.max_line = 64;
  std::string input(kLhlo);
  input += "NOOP\n";
  input += std::string("NO\0OP\r\n", 7);
  input += std::string(100, 'A') + "\r\n";
  input += std::string(65, 'B') + "\r\n";
  input += "NOOP\r\n";
  auto result = both(input, limits);
  EXPECT_EQ(result.replies.substr(kLhloReply.size()),
            "500 5.5.2 line must end in CRLF, not a bare LF\r\n"
            "500 5.5.2 control characters in command line\r\n"
            "500 5.5.2 line too long\r\n500 5.5.2 line too long\r\n250 2.0.0 OK\r\n");
}

TEST(LmtpProtocol, ABareLfBeforeTheDotDoesNotEndTheMessage) {
  // SMTP smuggling: "\n.\r\n" must not end DATA, only "\r\n.\r\n" does.
  std::string input(kLhlo);
  input +=
      "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\nhello\n.\r\n"
      "MAIL FROM:<evil@example.org>\r\n\r\n.\r\n";
  auto result = both(input);
  ASSERT_EQ(result.messages.size(), 1U);
  EXPECT_EQ(result.messages[0].data, "hello\n.\nMAIL FROM:<evil@example.org>\n\n");
}

TEST(LmtpProtocol, KeepsBareCrAndDotsInsideLines) {
  std::string input(kLhlo);
  input +=
      "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\na\rb\r\n.\rx\r\n"
      "..\r\n. \r\nend.\r\n.\r\n";
  auto result = both(input);
  ASSERT_EQ(result.messages.size(), 1U);
  EXPECT_EQ(result.messages[0].data, "a\rb\n\rx\n.\n \nend.\n");
}

// Whole lines go in at once when their CR LF has arrived; fed in chunks of
// every size from 1 to 9 bytes, the stored message is the same.
TEST(LmtpProtocol, EveryChunkSizeStoresTheSameMessage) {
  std::string input(kLhlo);
  input +=
      "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"
      "a\r\n\r\n\rb\r\n..c\r\nx\r\r\n.\r\r\nend\r\n.\r\n";
  const std::string expected = "a\n\n\rb\n.c\nx\r\n\r\nend\n";
  for (std::size_t chunk = 1; chunk <= 9; ++chunk) {
    auto result = converse(input, chunk);
    ASSERT_EQ(result.messages.size(), 1U) << chunk;
    EXPECT_EQ(result.messages[0].data, expected) << chunk;
  }
}

// The size limit counts the stored message (LF line ends): exactly at it
// is accepted, one byte over is refused.
TEST(LmtpProtocol, TheSizeLimitCountsTheStoredBytes) {
  std::string input(kLhlo);
  input += "MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\nab\r\ncd\r\n.\r\n";
  Limits limits;
  limits.max_message_size = 6;  // "ab\ncd\n"
  EXPECT_EQ(both(input, limits).messages.size(), 1U);
  limits.max_message_size = 5;
  auto refused = both(input, limits);
  EXPECT_TRUE(refused.messages.empty());
  EXPECT_NE(refused.replies.find("552 5.3.4"), std::string::npos);
}

TEST(LmtpProtocol, TooLargeMessagesAreRefusedPerRecipient) {
  Limits limits;
  limits.max_message_size = 10;
  std::string input(kLhlo);
  input +=
      "MAIL FROM:<a@example.org> SIZE=11\r\nMAIL FROM:<a@example.org> SIZE=10\r\n"
      "RCPT TO:<bob@example.net>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\n" +
      std::string(50, 'x') + "\r\n.\r\nNOOP\r\n";
  auto result = both(input, limits);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_EQ(result.replies.substr(result.replies.find("552")),
            "552 5.3.4 message size exceeds the limit of 10\r\n250 2.1.0 OK\r\n250 2.1.5 OK\r\n"
            "250 2.1.5 OK\r\n354 start mail input; end with <CRLF>.<CRLF>\r\n"
            "552 5.3.4 message too large\r\n552 5.3.4 message too large\r\n250 2.0.0 OK\r\n");
}

TEST(LmtpProtocol, LimitsRecipientsAndErrors) {
  Limits limits;
  limits.max_recipients = 2;
  limits.max_errors = 3;
  std::string input(kLhlo);
  input +=
      "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\n"
      "RCPT TO:<d@example.net>\r\nRCPT TO:<later@example.net>\r\nX\r\nY\r\nZ\r\nNOOP\r\n";
  auto result = both(input, limits);
  EXPECT_EQ(result.replies.substr(kLhloReply.size()),
            "250 2.1.0 OK\r\n250 2.1.5 OK\r\n250 2.1.5 OK\r\n452 4.5.3 too many recipients\r\n"
            "452 4.5.3 too many recipients\r\n500 5.5.2 command not recognized\r\n"
            "500 5.5.2 command not recognized\r\n500 5.5.2 command not recognized\r\n"
            "421 4.7.0 lmtp.example.net too many errors, closing connection\r\n");
  EXPECT_TRUE(result.closed);
}

TEST(LmtpProtocol, NonAsciiAddressesNeedSmtputf8) {
  std::string input(kLhlo);
  input +=
      "MAIL FROM:<j\xc3\xb6rg@example.org>\r\nMAIL FROM:<j\xc3\xb6rg@example.org> SMTPUTF8\r\n"
      "RCPT TO:<b\xc3\xb6"
      "b@example.net>\r\n";
  auto result = both(input);
  EXPECT_EQ(result.replies.substr(kLhloReply.size()),
            "553 5.6.7 non-ASCII address needs SMTPUTF8\r\n250 2.1.0 OK\r\n250 2.1.5 OK\r\n");
}

TEST(LmtpProtocol, ShutdownLetsTheTransactionFinish) {
  Protocol protocol({}, "h", check);
  protocol.feed(std::string(kLhlo) + "MAIL FROM:<a@example.org>\r\n");
  auto first = protocol.run();
  EXPECT_TRUE(protocol.in_transaction());
  protocol.shut_down();
  protocol.feed("RCPT TO:<b@example.net>\r\nDATA\r\nx\r\n.\r\nMAIL FROM:<a@example.org>\r\n");
  auto second = protocol.run();
  ASSERT_TRUE(second.message);
  std::vector<Reply> replies{{250, "2.0.0", "delivered"}};
  EXPECT_EQ(protocol.finish(replies), "250 2.0.0 delivered\r\n");
  auto third = protocol.run();
  EXPECT_EQ(third.replies, "421 4.3.2 h shutting down, try again later\r\n");
  EXPECT_TRUE(third.close);
}

TEST(LmtpProtocol, RendersOneLineWhateverTheReasonHolds) {
  EXPECT_EQ(render({550, "5.7.1", "no\r\nthanks"}), "550 5.7.1 no  thanks\r\n");
  EXPECT_EQ(render({354, "", "go"}), "354 go\r\n");
}

}  // namespace
}  // namespace mailroom::lmtp
