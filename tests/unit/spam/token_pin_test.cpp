// The tokenizer's output pinned over every message in tests/data: a digest
// of each message's tokens (text and kind, in order) and of its distinct
// features (keys and kinds) as scoring makes them, with and without byte
// n-grams and bigrams. The tokenizer's speed work (no string per token,
// bigram keys from running hashes, bigrams only counted when the model
// does not read them) must leave every token as it was: a changed token
// changes the store's keys, and so every verdict.
//
// A deliberate change of the tokens (a new kind of token: then the store
// should be retrained) re-records the figures: run the test with
// MAILROOM_PRINT_TOKEN_PINS=1 and copy what it prints into kPins.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/spam/tokenize.hpp"
#include "unit/spam/message_builder.hpp"

namespace mailroom::spam {
namespace {

namespace fs = std::filesystem;

struct Pin {
  const char* dir;         // under tests/data
  std::size_t messages;    // .eml files in it
  std::uint64_t tokens;    // digest of tokenize()'s tokens
  std::uint64_t features;  // digest of distinct_features(), default limits
  std::uint64_t words;     // the same without byte n-grams (a Fisher-alone store)
  std::uint64_t unigrams;  // the same without bigrams either
};

// Recorded with the tokenizer of commit ec58d13 (before the speed work);
// the byte n-grams' pins (tokens, features) again in session 12, when they
// came to be made of the header block and the body's first 500 bytes
// (tokenize.hpp; "samples" has no message long enough to change).
constexpr Pin kPins[] = {
    {"samples", 6, 0xc2034385be0c2b16ULL, 0xd2899fc311608d9fULL, 0x724b163d1ecef68cULL,
     0xb2d94530fa1caf77ULL},
    {"message", 81, 0xcb293c5483c76aa5ULL, 0x02ea0e15bb0dd518ULL, 0x5f3cb3bacd6a273aULL,
     0x26c3d440dc17018cULL},
    {"sieve/messages", 14, 0x2ad2b0d621182876ULL, 0xea3d4bce6a9c6b0dULL, 0xa0351d688993ab47ULL,
     0x53b3d584d214dce5ULL},
    {"dmarc/received", 8, 0x0fdb2ef02ab4b0e7ULL, 0x7049970b038b7f13ULL, 0x879c2e1130d92e20ULL,
     0xc0a703fbc941bafeULL},
};

constexpr std::uint64_t kBasis = 14695981039346656037ULL;

void mix(std::uint64_t& h, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
}

void mix_features(std::uint64_t& h, const DistinctFeatures& d) {
  for (const Feature& f : d.features) {
    mix(h, &f.key, sizeof f.key);
    mix(h, &f.kind, sizeof f.kind);
  }
  const char truncated = d.truncated ? 1 : 0;
  mix(h, &truncated, 1);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> messages_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".eml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

Pin measure(const char* dir) {
  Pin got{dir, 0, kBasis, kBasis, kBasis, kBasis};
  TokenLimits words;
  words.char_ngram = 0;
  TokenLimits unigrams = words;
  unigrams.bigram_window = 1;
  for (const fs::path& path : messages_in(fs::path(MAILROOM_TEST_DATA) / dir)) {
    const auto msg = test::parse(read_file(path));
    ++got.messages;
    const Tokens tokens = tokenize(msg);
    for (const Token& t : tokens.tokens) {
      mix(got.tokens, t.text.data(), t.text.size() + 1);  // with its NUL: "a" "b" != "ab"
      mix(got.tokens, &t.kind, sizeof t.kind);
    }
    mix_features(got.features, distinct_features(msg));
    mix_features(got.words, distinct_features(msg, words));
    mix_features(got.unigrams, distinct_features(msg, unigrams));
  }
  return got;
}

TEST(TokenPins, EveryMessageOfTheTestDataTokenizesAsRecorded) {
  const bool print = std::getenv("MAILROOM_PRINT_TOKEN_PINS") != nullptr;
  for (const Pin& pin : kPins) {
    const Pin got = measure(pin.dir);
    if (print)
      std::printf("    {\"%s\", %zu, 0x%016llxULL, 0x%016llxULL, 0x%016llxULL, 0x%016llxULL},\n",
                  got.dir, got.messages, static_cast<unsigned long long>(got.tokens),
                  static_cast<unsigned long long>(got.features),
                  static_cast<unsigned long long>(got.words),
                  static_cast<unsigned long long>(got.unigrams));
    EXPECT_GT(got.messages, 0U) << pin.dir;
    EXPECT_EQ(got.messages, pin.messages) << pin.dir;
    EXPECT_EQ(got.tokens, pin.tokens) << pin.dir << ": tokenize()";
    EXPECT_EQ(got.features, pin.features) << pin.dir << ": distinct_features()";
    EXPECT_EQ(got.words, pin.words) << pin.dir << ": distinct_features() without n-grams";
    EXPECT_EQ(got.unigrams, pin.unigrams) << pin.dir << ": distinct_features() of unigrams";
  }
}

// With TokenLimits::bigram_keys = false and the max_tokens given, the
// features and `truncated` of msg are those made with the bigrams, less
// the bigrams; returns whether the message was cut short.
bool counted_bigrams_agree(const message::Message& msg, std::size_t max_tokens,
                           const std::string& what) {
  TokenLimits made;
  made.char_ngram = 0;
  made.max_tokens = max_tokens;
  TokenLimits counted = made;
  counted.bigram_keys = false;
  DistinctFeatures want = distinct_features(msg, made);
  std::erase_if(want.features, [](const Feature& f) { return f.kind == TokenKind::bigram; });
  const DistinctFeatures got = distinct_features(msg, counted);
  EXPECT_EQ(got.features, want.features) << what << " max_tokens " << max_tokens;
  EXPECT_EQ(got.truncated, want.truncated) << what << " max_tokens " << max_tokens;
  const Tokens tokens = tokenize(msg, counted);
  EXPECT_EQ(unique_features(tokens), got.features) << what << " max_tokens " << max_tokens;
  EXPECT_EQ(tokens.truncated, got.truncated) << what << " max_tokens " << max_tokens;
  return got.truncated;
}

// TokenLimits::bigram_keys = false (a Fisher-alone scoring): every other
// feature as with the bigrams made, and `truncated` the same, also where
// max_tokens cuts the message short (the bigrams still count against it).
TEST(TokenPins, BigramsCountedButNotMadeLeaveEveryOtherFeature) {
  std::size_t cut_short = 0;
  for (const char* dir : {"samples", "message", "sieve/messages"}) {
    for (const fs::path& path : messages_in(fs::path(MAILROOM_TEST_DATA) / dir)) {
      const auto msg = test::parse(read_file(path));
      for (const std::size_t max_tokens : {std::size_t{8000}, std::size_t{60}, std::size_t{7}})
        cut_short += counted_bigrams_agree(msg, max_tokens, path.string()) ? 1 : 0;
    }
  }
  EXPECT_GT(cut_short, 20U);  // the limit was reached, with bigrams in play
}

// The bigrams counted but not made (bigram_keys off) count the same as
// those made, whichever part of the message max_tokens cuts: a text whose
// tokens all fit is added up at its end (add_text_keys_with_room), one
// that may not is counted word by word, and the count carries over.
TEST(TokenPins, CountedBigramsCutTheMessageWhereMadeOnesDo) {
  std::string raw =
      "Subject: one two three four\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n";
  for (int part = 0; part < 3; ++part) {
    raw += "--b\r\nContent-Type: text/plain\r\n\r\n";
    for (int w = 0; w < 25 + 10 * part; ++w) raw += "w" + std::to_string(part * 100 + w) + " ";
    raw += "\r\n";
  }
  raw += "--b--\r\n";
  const auto msg = test::parse(raw);
  std::size_t cut_short = 0;
  for (std::size_t max_tokens = 1; max_tokens <= 400; ++max_tokens)
    cut_short += counted_bigrams_agree(msg, max_tokens, "three parts") ? 1 : 0;
  EXPECT_GT(cut_short, 200U);  // the cut fell in each part
}

}  // namespace
}  // namespace mailroom::spam
