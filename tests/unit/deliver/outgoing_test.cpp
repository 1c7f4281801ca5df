// The outgoing step of redirect: SRS sender and ARC set as configured, each
// left out (and the message still sent) when it cannot be done; SRS bounces
// recognised only in our SRS domain.
#include "deliver/outgoing.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mailroom/srs/srs.hpp"

namespace mailroom::deliver {
namespace {

message::Message parse(std::string text) {
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text))));
}

const std::string kMessage =
    "From: a@example.com\nTo: u@example.net\nSubject: hi\nDate: Mon, 7 Dec 2026 04:00:00 "
    "+0000\n\nbody\n";

std::filesystem::path scratch() {
  auto dir = std::filesystem::temp_directory_path() / ("outgoing_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(Outgoing, NothingConfiguredChangesNothing) {
  Config config;
  auto keys = open_outgoing_keys(config);
  auto msg = parse(kMessage);
  auth::AuthResults auth;
  auth.header_value = "mx.example.net; spf=none";
  auto out = prepare_outgoing(config, keys, msg, "a@example.com", &auth);
  EXPECT_EQ(out.sender, "a@example.com");
  EXPECT_EQ(out.head, "");
  EXPECT_EQ(out.note, "");
}

TEST(Outgoing, SrsFromTheSecretFileOpenedBeforehand) {
  auto dir = scratch();
  std::ofstream(dir / "secret") << "# comment\n\n  first-secret  \nsecond\n";
  Config config;
  config.srs.domain = "fwd.example.net";
  config.srs.secret_file = (dir / "secret").string();
  auto keys = open_outgoing_keys(config);
  ASSERT_TRUE(keys.srs_secrets);
  std::filesystem::remove(dir / "secret");  // read through the descriptor, as after setuid
  auto msg = parse(kMessage);
  auto out = prepare_outgoing(config, keys, msg, "a@example.com", nullptr);
  EXPECT_EQ(out.sender.rfind("SRS0=", 0), 0U) << out.sender;
  EXPECT_NE(out.note.find("srs=<" + out.sender + ">"), std::string::npos);
  srs::Options check;
  check.secrets = {"first-secret"};
  check.domain = "fwd.example.net";
  EXPECT_EQ(srs::reverse(check, out.sender).value_or(""), "a@example.com");
  // The null sender stays null: bounces are never rewritten.
  EXPECT_EQ(prepare_outgoing(config, keys, msg, "", nullptr).sender, "");
  std::filesystem::remove_all(dir);
}

TEST(Outgoing, SrsWithoutASecretSendsTheOriginalSender) {
  Config config;
  config.srs.domain = "fwd.example.net";
  auto keys = open_outgoing_keys(config);
  auto msg = parse(kMessage);
  EXPECT_EQ(prepare_outgoing(config, keys, msg, "a@example.com", nullptr).sender, "a@example.com");
}

TEST(Outgoing, ArcSealNeedsResultsAndAKey) {
  auto dir = scratch();
  std::string pem = (dir / "arc.pem").string();
  ASSERT_EQ(
      std::system(("openssl genpkey -algorithm ED25519 -out " + pem + " 2>/dev/null").c_str()), 0);
  Config config;
  config.arc_seal.domain = "forward.example";
  config.arc_seal.selector = "arc";
  config.arc_seal.key = pem;
  auto keys = open_outgoing_keys(config);
  auto msg = parse(kMessage);
  auth::AuthResults auth;
  auth.header_value = "mx.example.net; spf=none smtp.mailfrom=a@example.com";
  auto sealed = prepare_outgoing(config, keys, msg, "a@example.com", &auth);
  EXPECT_EQ(sealed.head.rfind("ARC-Seal: a=ed25519-sha256;", 0), 0U) << sealed.head;
  EXPECT_NE(sealed.head.find("\nARC-Authentication-Results: i=1; mx.example.net; spf=none"),
            std::string::npos);
  EXPECT_NE(sealed.note.find("arc=i=1,cv=none"), std::string::npos);
  // No authentication, nothing to record: no set.
  EXPECT_EQ(prepare_outgoing(config, keys, msg, "a@example.com", nullptr).head, "");
  // A key that is not one: the message still goes, unsealed.
  std::ofstream(pem) << "garbage";
  auto bad_keys = open_outgoing_keys(config);
  EXPECT_EQ(prepare_outgoing(config, bad_keys, msg, "a@example.com", &auth).head, "");
  std::filesystem::remove_all(dir);
}

TEST(Outgoing, OurSrsAddressesOnly) {
  SrsConfig config;
  EXPECT_FALSE(is_our_srs_address(config, "SRS0=abcd=J2=x.example=y@fwd.example.net"));
  config.domain = "fwd.example.net";
  EXPECT_TRUE(is_our_srs_address(config, "SRS0=abcd=J2=x.example=y@fwd.example.net"));
  EXPECT_TRUE(is_our_srs_address(config, "srs1=abcd=h.example==x@FWD.example.net"));
  EXPECT_FALSE(is_our_srs_address(config, "SRS0=abcd=J2=x.example=y@other.example"));
  EXPECT_FALSE(is_our_srs_address(config, "alice@fwd.example.net"));
}

}  // namespace
}  // namespace mailroom::deliver
