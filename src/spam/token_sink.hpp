// Where the tokenizer's pieces put their tokens: one place enforces the
// token-count and token-length limits (TokenLimits) for all of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/spam/tokenize.hpp"

namespace mailroom::spam::detail {

class TokenSink {
 public:
  explicit TokenSink(const TokenLimits& limits) : limits_(limits) {}

  [[nodiscard]] bool full() const noexcept { return out_.tokens.size() >= limits_.max_tokens; }
  [[nodiscard]] const TokenLimits& limits() const noexcept { return limits_; }

  // prefix + word, lower-cased by the caller; a word past max_token_length
  // becomes prefix + "long:<length/8>".
  void add(std::string_view prefix, std::string_view word, TokenKind kind = TokenKind::word);

  // The words of free text, split and normalised (word_split.cpp); body
  // words (prefix "") also make sparse bigrams.
  void add_text(std::string_view prefix, std::string_view text);

  Tokens finish();

 private:
  void add_bigrams(const std::string& word);

  const TokenLimits& limits_;
  Tokens out_;
  std::vector<std::string> recent_;  // the last bigram_window-1 body words
};

// Splits text into normalised words: ASCII letters lower-cased; letters,
// digits, UTF-8 sequences and the marks $ % ' - . ! _ @ inside a word kept
// (so an address stays one token);
// long digit runs become "num:<digits>". Calls emit(word) per word.
template <class Emit>
void split_words(std::string_view text, Emit&& emit);

}  // namespace mailroom::spam::detail

#include "spam/word_split_impl.hpp"
