// Where the tokenizer's pieces put their tokens: one place enforces the
// token-count and token-length limits (TokenLimits) for all of them.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/spam/tokenize.hpp"

namespace mailroom::spam::detail {

// FNV-1a (token_hash) carried on over more bytes: the key of a + b is
// fnv1a(fnv1a(kFnvBasis, a), b), so a token's key needs no string of it.
constexpr std::uint64_t kFnvBasis = 14695981039346656037ULL;
[[nodiscard]] constexpr std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) noexcept {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// What a sink keeps: the tokens' text (tokenize(), `score --explain`), or
// only their keys (distinct_features(): scoring and learning, which never
// read the text).
enum class SinkMode : std::uint8_t { text, keys };

class TokenSink {
 public:
  explicit TokenSink(const TokenLimits& limits, SinkMode mode = SinkMode::text)
      : limits_(limits), mode_(mode) {}

  [[nodiscard]] bool full() const noexcept { return count_ >= limits_.max_tokens; }
  [[nodiscard]] const TokenLimits& limits() const noexcept { return limits_; }

  // prefix + word, lower-cased by the caller; a word past max_token_length
  // becomes prefix + "long:<length/8>".
  void add(std::string_view prefix, std::string_view word, TokenKind kind = TokenKind::word);

  // add(prefix, ascii_lower(word), kind), without the lower-cased copy
  // in keys mode: the key hashed from the word through the lower-case
  // table (an HTML part's tags, ~90 instructions a tag with the copy).
  // Inline (below), so that a literal prefix's hash is folded at compile
  // time (its loop was ~20 of a tag's ~37 instructions, callgrind).
  void add_lower(std::string_view prefix, std::string_view word, TokenKind kind);

  // The words of free text, split and normalised (split_words); body
  // words (prefix "") also make sparse bigrams.
  void add_text(std::string_view prefix, std::string_view text);

  // The tokens (SinkMode::text; none in keys mode) and whether a limit
  // was reached; then, in keys mode, the tokens' keys in message order.
  Tokens finish();
  std::vector<Feature> take_keys() { return std::move(keys_); }
  // Room for about this many keys, so that they are not copied as the
  // vector grows (and the heap pages they leave behind are not touched).
  void reserve_keys(std::size_t expected) {
    keys_.reserve(std::min(expected, limits_.max_tokens + 1));
  }

 private:
  void add_lower_copy(std::string_view prefix, std::string_view word, TokenKind kind);
  void add_text_keys(std::string_view prefix, std::string_view text);
  void add_text_keys_with_room(std::uint64_t start, std::string_view text, bool bigrams);
  void add_bigrams(std::string_view word);
  // What add_bigrams does to the count and `truncated` when the bigrams
  // are not wanted (TokenLimits::bigram_keys), without making them. In the
  // header so that add_text_keys' per-word step inlines it (a call per
  // body word was ~15 instructions, callgrind).
  void count_bigrams() noexcept {
    const std::size_t room = full() ? 0 : limits_.max_tokens - count_;
    if (recent_words_ > room) out_.truncated = true;
    count_ += std::min(recent_words_, room);
    if (recent_words_ + 1 < limits_.bigram_window) ++recent_words_;
  }
  void add_bigram_keys(std::string_view current);
  void add_bigram_keys(std::string_view word, std::uint64_t key);
  void push_recent_state(std::uint64_t state);
  std::size_t counted_bigrams(std::size_t words);
  void emit(std::string_view prefix, std::string_view word, TokenKind kind);

  const TokenLimits& limits_;
  SinkMode mode_;
  std::size_t count_ = 0;  // tokens added, in either mode
  Tokens out_;
  std::vector<Feature> keys_;
  // The last bigram_window-1 body words, oldest first: their text (text
  // mode), or (keys mode) the FNV-1a state of the text their bigram with
  // the next word starts with ("a ", "a * "...), so that a bigram's key is
  // its state carried over the next word, and no bigram's text is made.
  std::vector<std::string> recent_;
  std::vector<std::uint64_t> recent_states_;
  std::size_t recent_words_ = 0;  // bigram_keys off: how many words recent_ would hold
};

// Splits text into normalised words: ASCII letters lower-cased; letters,
// digits, UTF-8 sequences and the marks $ % ' - . ! _ @ inside a word kept
// (so an address stays one token);
// long digit runs become "num:<digits>". Calls emit(word) per word.
template <class Emit>
void split_words(std::string_view text, Emit&& emit);

}  // namespace mailroom::spam::detail

#include "spam/word_keys_impl.hpp"
#include "spam/word_split_impl.hpp"

namespace mailroom::spam::detail {

inline void TokenSink::add_lower(std::string_view prefix, std::string_view word, TokenKind kind) {
  // A long word's token is its length (the same lower-cased): add's.
  if (mode_ == SinkMode::text || full() || word.size() > limits_.max_token_length ||
      kind == TokenKind::bigram)
    return add_lower_copy(prefix, word, kind);
  ++count_;
  keys_.push_back(Feature{fnv1a_lower(fnv1a(kFnvBasis, prefix), word), kind});
}

}  // namespace mailroom::spam::detail
