// RFC 6376 §3.4 canonicalisation, including the §3.4.5 examples, and the
// body hash cache of SignedMessage.
#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "auth/canon.hpp"
#include "dkim_test_util.hpp"

namespace mailroom::auth {
namespace {

struct StringSink final : canon::ByteSink {
  std::string out;
  void write(std::string_view b) override { out.append(b); }
};

std::string body(std::string_view in, Canonicalization c) {
  StringSink sink;
  auto n = canon::body(in, c, sink);
  EXPECT_EQ(n, sink.out.size());
  return sink.out;
}

std::string b64(const BodyDigest& d) {
  std::string out(64, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), d.data(),
                          static_cast<int>(d.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

TEST(DkimCanon, Rfc6376Section345Example) {
  std::string relaxed;
  canon::header_relaxed("A", " X", relaxed);
  canon::header_relaxed("B ", " Y\t\r\n\tZ  ", relaxed);
  EXPECT_EQ(relaxed, "a:X\r\nb:Y Z\r\n");
  std::string simple;
  canon::header_simple("A: X\r\n", simple);
  canon::header_simple("B : Y\t\r\n\tZ  \r\n", simple);
  EXPECT_EQ(simple, "A: X\r\nB : Y\t\r\n\tZ  \r\n");
  const char* in = " C \r\nD \t E\r\n\r\n\r\n";
  EXPECT_EQ(body(in, Canonicalization::relaxed), " C\r\nD E\r\n");
  EXPECT_EQ(body(in, Canonicalization::simple), " C \r\nD \t E\r\n");
}

TEST(DkimCanon, EmptyBodies) {
  EXPECT_EQ(body("", Canonicalization::simple), "\r\n");
  EXPECT_EQ(body("", Canonicalization::relaxed), "");
  EXPECT_EQ(body("\r\n\r\n", Canonicalization::simple), "\r\n");
  EXPECT_EQ(body(" \t\r\n\r\n", Canonicalization::relaxed), "");
  EXPECT_EQ(body(" \t\r\n", Canonicalization::simple), " \t\r\n");
}

TEST(DkimCanon, LfCountsAsCrlf) {
  for (auto c : {Canonicalization::simple, Canonicalization::relaxed}) {
    EXPECT_EQ(body("a \n\nb\t\n\n", c), body("a \r\n\r\nb\t\r\n\r\n", c));
  }
  std::string h;
  canon::header_simple("Subject: x\n y\n", h);
  EXPECT_EQ(h, "Subject: x\r\n y\r\n");
}

TEST(DkimCanon, MissingFinalLineEndingIsAdded) {
  EXPECT_EQ(body("abc", Canonicalization::simple), "abc\r\n");
  EXPECT_EQ(body("abc  ", Canonicalization::relaxed), "abc\r\n");
  std::string h;
  canon::header_simple("X: y", h);
  EXPECT_EQ(h, "X: y\r\n");
}

TEST(DkimCanon, LongBodyIsWrittenInChunksButCompletely) {
  std::string in;
  for (int i = 0; i < 5000; ++i) in += "line  " + std::to_string(i) + " \r\n";
  auto out = body(in, Canonicalization::relaxed);
  EXPECT_EQ(out.size(), in.size() - 5000 * 2);  // one inner space and the trailing one go
}

TEST(DkimBodyHash, KnownEmptyBodyHashesAndLength) {
  std::vector<message::HeaderField> none;
  SignedMessage msg(none, "");
  EXPECT_EQ(b64(msg.body_hash(Canonicalization::simple, std::nullopt).digest),
            "frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
  EXPECT_EQ(b64(msg.body_hash(Canonicalization::relaxed, std::nullopt).digest),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(msg.body_hashes_computed(), 2U);
  msg.body_hash(Canonicalization::simple, std::nullopt);
  EXPECT_EQ(msg.body_hashes_computed(), 2U);  // cached
  // l=0 hashes nothing, whatever the canonicalisation.
  EXPECT_EQ(b64(msg.body_hash(Canonicalization::simple, 0).digest),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(msg.body_hash(Canonicalization::simple, 0).canonical_length, 2U);
}

}  // namespace
}  // namespace mailroom::auth
