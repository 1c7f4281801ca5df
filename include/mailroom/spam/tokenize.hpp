// The spam tokenizer (issue 14): turns a parsed message into the features
// the classifier counts. It reads what a person and a mail client see:
// selected header fields, the decoded text of every text part (HTML turned
// to text by the message module), the HTML tags, the URLs and their hosts,
// and the types and names of attachments. Every token carries a prefix that
// says where it came from ("subj:", "url:", "mime:"...), so "free" in a
// Subject and "free" in the body are different evidence.
//
// Untrusted input: the work is bounded by TokenLimits, and a message that
// reaches a limit yields the tokens found so far plus a token that says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/message.hpp"

namespace mailroom::spam {

struct TokenLimits {
  // Tokens kept per message (unigrams and bigrams together). A long
  // newsletter has about 3,000; past the cap the rest adds no evidence.
  std::size_t max_tokens = 8000;
  // Longer words are replaced by "long:<length/8>" (bogofilter keeps up to
  // 30 bytes; base64 junk and hashes would otherwise flood the store).
  std::size_t max_token_length = 40;
  // Bytes of decoded text and HTML scanned per message, all parts together.
  std::size_t max_bytes_scanned = std::size_t{256} << 10;
  // Bytes of one header field's value scanned.
  std::size_t max_header_value = 2048;
  // Sparse bigrams join each body word with the next window-1 words
  // ("a b", "a * b", ...: orthogonal sparse bigrams, Siefkes et al. 2004);
  // 1 turns bigrams off. Chosen by bench/spam-eval.
  std::size_t bigram_window = 3;
  // false: the bigrams are counted against max_tokens (and so still decide
  // which words fit) but not made. A Robinson-Fisher-alone scoring, which
  // never reads them, makes the same words without their ~1,000 keys a
  // 4 KB message (verdict.cpp).
  bool bigram_keys = true;
  // Byte n-grams of the message as it arrived: they see through the
  // obfuscation that defeats words ("V1agra", "f r e e", split HTML) and
  // carry the header layout (Sculley & Wachman 2007). 0 turns them off.
  // Over the header block's first char_ngram_header_bytes bytes and the
  // body's first char_ngram_body_bytes: the header layout tells a
  // legitimate newsletter from spam better than more of its body does,
  // whose words the other tokens carry already. bench/spam-eval, (1-ROCA)%
  // and FNR at FPR <= 0.1 %, seeds 1-5 / 6-15 / 16-30: the raw message's
  // first 3,000 bytes (until session 12) 0.034 / 0.047 / 0.037, 5.16 /
  // 8.29 / 7.35 %; headers 4,000 + body 500 0.031 / 0.037 / 0.029, 5.12 /
  // 6.30 / 5.77 %. Headers 2,500 + 500: 5.65 / 6.06 %; 3,000 + 500:
  // 5.49 / 6.50 / 6.05 %; 5,000 + 500: 5.65 / 7.06 / 5.56 %; 3,000 + 0:
  // 7.13 / 8.07 %, + 250: 5.49 / 6.60 %, + 800: 5.86 / 7.64 %; the body
  // alone (3,000): 9.79 / 9.09 %. The corpus's 3-5 KB messages have 1,524
  // distinct 4-grams (weight-table lookups) instead of 1,646.
  std::size_t char_ngram = 4;
  std::size_t char_ngram_header_bytes = 4000;
  std::size_t char_ngram_body_bytes = 500;
};

enum class TokenKind : std::uint8_t {
  word,    // a word of the text or of a header (prefixed by its field)
  bigram,  // a sparse bigram of the body text: "a b", "a * b"
  meta,    // structure: MIME types, attachment names, URL hosts, HTML tags
  ngram,   // a byte n-gram of the raw message (TokenLimits::char_ngram)
};

struct Token {
  std::string text;
  TokenKind kind = TokenKind::word;
};

struct Tokens {
  std::vector<Token> tokens;  // in message order; duplicates kept
  bool truncated = false;     // a TokenLimits value was reached
};

// The tokens of one message. Never throws on any input.
Tokens tokenize(const message::Message& msg, const TokenLimits& limits = {});

// 64-bit key of a token, the same in every process and on every machine
// (FNV-1a): the store and the hashed-feature model are keyed by it.
[[nodiscard]] std::uint64_t token_hash(std::string_view token) noexcept;

// One distinct token of a message: its key and what kind it is (the
// Robinson-Fisher classifier leaves bigrams out: bench/spam-eval).
struct Feature {
  std::uint64_t key = 0;
  TokenKind kind = TokenKind::word;
  friend bool operator==(const Feature&, const Feature&) = default;
};

// The distinct features of a message's tokens, sorted by key (a token
// counts once per message, as in bogofilter and SpamBayes).
std::vector<Feature> unique_features(const Tokens& tokens);

// unique_features(tokenize(msg, limits)) and its `truncated`, made from
// the tokens' keys alone: scoring and learning never read a token's text,
// and making ~5,000 strings (3,000 of them byte n-grams) and sorting them
// with their kinds was 2.6 of the 3.3 M instructions scoring added to
// `mailroom deliver` of a 4 KB message (callgrind). (Two features with
// one key and different kinds, a 64-bit hash collision, keep one.)
struct DistinctFeatures {
  std::vector<Feature> features;  // sorted by key
  bool truncated = false;
};
DistinctFeatures distinct_features(const message::Message& msg, const TokenLimits& limits = {});

}  // namespace mailroom::spam
