#include "deliver/trace_headers.hpp"

#include <gtest/gtest.h>

namespace mailroom::deliver {
namespace {

message::Message parse(std::string text) {
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text))));
}

Envelope envelope() {
  Envelope e;
  e.sender = "alice@example.org";
  e.final_recipient = "bob@example.net";
  return e;
}

TEST(TraceHeaders, AddsBothWhenAbsent) {
  auto prefix = trace_headers(parse("Subject: x\n\nbody\n"), envelope(), {});
  ASSERT_TRUE(prefix);
  EXPECT_EQ(*prefix, "Return-Path: <alice@example.org>\nDelivered-To: bob@example.net\n");
}

TEST(TraceHeaders, NullSenderIsAngleBrackets) {
  auto e = envelope();
  e.sender = "";
  EXPECT_EQ(trace_headers(parse("S: x\n\n"), e, {})->substr(0, 16), "Return-Path: <>\n");
}

TEST(TraceHeaders, UnknownSenderAddsNoReturnPath) {
  auto e = envelope();
  e.sender.reset();
  EXPECT_EQ(*trace_headers(parse("S: x\n\n"), e, {}), "Delivered-To: bob@example.net\n");
}

TEST(TraceHeaders, KeepsWhatTheMtaAddedForThisHop) {
  auto message = parse(
      "Return-Path: <alice@example.org>\nDelivered-To: bob@example.net\n"
      "Received: from x by y\nSubject: x\n\n");
  auto prefix = trace_headers(message, envelope(), {});
  ASSERT_TRUE(prefix);
  EXPECT_EQ(*prefix, "");
}

TEST(TraceHeaders, DeliveredToFromAnEarlierHopIsALoop) {
  auto message = parse(
      "Received: from a by b\nDelivered-To: Bob@Example.NET\nReceived: from c by d\n"
      "Subject: x\n\n");
  auto prefix = trace_headers(message, envelope(), {});
  ASSERT_FALSE(prefix);
  EXPECT_EQ(prefix.error().kind, ErrorKind::rejected);
  EXPECT_NE(prefix.error().message.find("loop"), std::string::npos);
}

TEST(TraceHeaders, TwiceInThisHopIsALoop) {
  auto message = parse("Delivered-To: bob@example.net\nDelivered-To: bob@example.net\n\n");
  EXPECT_FALSE(trace_headers(message, envelope(), {}));
}

TEST(TraceHeaders, OtherRecipientsAreNoLoop) {
  auto message = parse("Received: from a by b\nDelivered-To: carol@example.net\n\n");
  auto prefix = trace_headers(message, envelope(), {});
  ASSERT_TRUE(prefix);
  EXPECT_NE(prefix->find("Delivered-To: bob@example.net"), std::string::npos);
}

TEST(TraceHeaders, LoopCheckCanBeTurnedOff) {
  DeliverConfig config;
  config.loop_check = false;
  auto message = parse("Received: from a by b\nDelivered-To: bob@example.net\n\n");
  EXPECT_TRUE(trace_headers(message, envelope(), config));
}

TEST(TraceHeaders, FoldedDeliveredToStillMatches) {
  auto message = parse("Received: from a by b\nDelivered-To:\n <bob@example.net>\n\n");
  EXPECT_FALSE(trace_headers(message, envelope(), {}));
}

}  // namespace
}  // namespace mailroom::deliver
