#include <gtest/gtest.h>

#include "mailroom/server/passdb.hpp"

namespace mailroom::server {
namespace {

TEST(PasswdFile, ParsesDovecotLines) {
  auto entries = parse_passwd_file(
      "# users\n"
      "alice:{PLAIN}secret:1001:1002::/home/alice::\n"
      "\n"
      "bob:{SHA512-CRYPT}$6$x$y:::gecos:/srv/bob:/bin/false:userdb_quota_rule=*:storage=1G\r\n"
      "carol:$2b$05$hash\n");
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 3U);
  EXPECT_EQ((*entries)[0].name, "alice");
  EXPECT_EQ((*entries)[0].password, "{PLAIN}secret");
  EXPECT_EQ((*entries)[0].uid, 1001U);
  EXPECT_EQ((*entries)[0].gid, 1002U);
  EXPECT_EQ((*entries)[0].home, "/home/alice");
  EXPECT_FALSE((*entries)[1].uid);
  EXPECT_EQ((*entries)[1].home, "/srv/bob");
  EXPECT_EQ((*entries)[2].password, "$2b$05$hash");
}

TEST(PasswdFile, ABadLineIsAnErrorWithItsNumber) {
  auto bad = parse_passwd_file("alice:{PLAIN}x:1:1::/h::\nbob:{PLAIN}y:notanumber:1::/h::\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(parse_passwd_file("justaname\n"));
  EXPECT_FALSE(parse_passwd_file(":{PLAIN}x\n"));
}

TEST(Password, PlainMatchesOnlyTheSamePassword) {
  EXPECT_TRUE(verify_password("{PLAIN}secret", "secret"));
  EXPECT_TRUE(verify_password("{CLEARTEXT}secret", "secret"));
  EXPECT_FALSE(verify_password("{PLAIN}secret", "secreT"));
  EXPECT_FALSE(verify_password("{PLAIN}secret", "secret "));
  EXPECT_FALSE(verify_password("{PLAIN}secret", ""));
}

// Every scheme this libxcrypt has: a hash made by hash_password verifies,
// a wrong password does not, and the {SCHEME} must name the algorithm.
TEST(Password, CryptSchemesRoundTrip) {
  for (const char* scheme : {"SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "YESCRYPT"}) {
    auto hashed = hash_password(scheme, "pa ss:word");
    ASSERT_TRUE(hashed) << scheme << ": " << hashed.error().message;
    EXPECT_EQ(hashed->rfind(std::string("{") + scheme + "}", 0), 0U) << *hashed;
    EXPECT_TRUE(verify_password(*hashed, "pa ss:word")) << *hashed;
    EXPECT_FALSE(verify_password(*hashed, "pa ss:worD")) << *hashed;
    auto bare = hashed->substr(hashed->find('}') + 1);
    EXPECT_TRUE(verify_password(bare, "pa ss:word")) << "no {SCHEME} means CRYPT: " << bare;
  }
}

TEST(Password, ASchemeNameMustMatchTheHash) {
  auto md5 = std::string("$1$saltsalt$abcdefghijklmnopqrstuv");
  EXPECT_FALSE(verify_password("{SHA512-CRYPT}" + md5, "x"));
  auto sha256 = hash_password("SHA256-CRYPT", "pw");
  ASSERT_TRUE(sha256);
  EXPECT_FALSE(verify_password("{SHA512-CRYPT}" + sha256->substr(14), "pw"));
  EXPECT_FALSE(verify_password("{MD5}whatever", "whatever"));
  EXPECT_FALSE(verify_password("{PLAIN", "{PLAIN"));
  EXPECT_FALSE(verify_password("!locked", "!locked"));
  EXPECT_FALSE(verify_password("", ""));
}

TEST(Password, HashingRefusesUnknownAndWeakSchemes) {
  EXPECT_FALSE(hash_password("PLAIN", "x"));
  EXPECT_FALSE(hash_password("CRYPT", "x"));
  EXPECT_FALSE(hash_password("MD5-CRYPT", "x"));
}

}  // namespace
}  // namespace mailroom::server
