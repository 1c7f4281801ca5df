#include <gtest/gtest.h>

#include "server/pop3/authorization.hpp"

namespace mailroom::server::pop3 {
namespace {

AuthorizationPolicy loopback() { return {false, true, true}; }
AuthorizationPolicy remote() { return {false, true, false}; }

TEST(Pop3Authorization, UserPassAsksForTheCheck) {
  Authorization auth(loopback());
  EXPECT_EQ(auth.handle("PASS x").reply, "-ERR USER first\r\n");
  EXPECT_EQ(auth.handle("USER alice").reply, "+OK\r\n");
  auto step = auth.handle("PASS s3cret with space");
  EXPECT_EQ(step.action, Step::Action::check_password);
  EXPECT_EQ(step.user, "alice");
  EXPECT_EQ(step.password, "s3cret with space");
  EXPECT_EQ(auth.handle("PASS again").reply, "-ERR USER first\r\n") << "USER is used up";
}

TEST(Pop3Authorization, PlaintextNeedsTlsUnlessAllowed) {
  Authorization auth(remote());
  EXPECT_EQ(auth.handle("USER alice").reply.rfind("-ERR [AUTH]", 0), 0U);
  EXPECT_EQ(auth.handle("AUTH PLAIN AGFsaWNlAHB3").reply.rfind("-ERR [AUTH]", 0), 0U);
  auto capa = auth.handle("CAPA").reply;
  EXPECT_EQ(capa.find("USER"), std::string::npos);
  EXPECT_NE(capa.find("STLS"), std::string::npos);
  auto stls = auth.handle("STLS");
  EXPECT_EQ(stls.action, Step::Action::start_tls);
  auth.tls_started();
  EXPECT_EQ(auth.handle("STLS").reply.rfind("-ERR", 0), 0U) << "no second STLS";
  capa = auth.handle("CAPA").reply;
  EXPECT_NE(capa.find("USER"), std::string::npos);
  EXPECT_EQ(capa.find("STLS"), std::string::npos);
  EXPECT_EQ(auth.handle("USER alice").reply, "+OK\r\n");
}

TEST(Pop3Authorization, AuthPlainInitialAndContinued) {
  Authorization auth(loopback());
  auto step = auth.handle("AUTH PLAIN AGFsaWNlAHB3");  // "\0alice\0pw"
  EXPECT_EQ(step.action, Step::Action::check_password);
  EXPECT_EQ(step.user, "alice");
  EXPECT_EQ(step.password, "pw");
  EXPECT_EQ(auth.handle("auth plain").reply, "+ \r\n");
  step = auth.handle("YWxpY2UAYWxpY2UAcHc=");  // "alice\0alice\0pw"
  EXPECT_EQ(step.action, Step::Action::check_password);
  EXPECT_EQ(step.user, "alice");
  EXPECT_EQ(auth.handle("AUTH PLAIN").reply, "+ \r\n");
  EXPECT_EQ(auth.handle("*").reply, "-ERR AUTH cancelled\r\n");
}

TEST(Pop3Authorization, AuthPlainRefusesWhatIsNotOneUsersLogin) {
  Authorization auth(loopback());
  // "bob\0alice\0pw": log in as alice, act as bob
  EXPECT_EQ(auth.handle("AUTH PLAIN Ym9iAGFsaWNlAHB3").reply.rfind("-ERR [AUTH]", 0), 0U);
  EXPECT_EQ(auth.handle("AUTH PLAIN !!!!").reply.rfind("-ERR", 0), 0U);
  EXPECT_EQ(auth.handle("AUTH PLAIN YWxpY2U=").reply.rfind("-ERR", 0), 0U) << "no NULs";
  EXPECT_EQ(auth.handle("AUTH CRAM-MD5").reply, "-ERR unsupported SASL mechanism\r\n");
  EXPECT_EQ(auth.handle("STAT").reply, "-ERR log in first\r\n");
  EXPECT_EQ(auth.handle("QUIT").action, Step::Action::quit);
}

TEST(Pop3Authorization, StrictBase64) {
  EXPECT_EQ(decode_base64("AGFsaWNlAHB3"), std::string("\0alice\0pw", 9));
  EXPECT_EQ(decode_base64("YQ=="), "a");
  EXPECT_EQ(decode_base64("YWI="), "ab");
  EXPECT_EQ(decode_base64(""), "");
  for (const char* bad : {"YQ", "Y===", "YQ==YQ==", "YW=I", "Y Q=", "YQ=\n"})
    EXPECT_FALSE(decode_base64(bad)) << bad;
}

}  // namespace
}  // namespace mailroom::server::pop3
