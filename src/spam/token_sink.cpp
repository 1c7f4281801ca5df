#include "spam/token_sink.hpp"

#include <utility>

namespace mailroom::spam::detail {

void TokenSink::emit(std::string_view prefix, std::string_view word, TokenKind kind) {
  ++count_;
  if (mode_ == SinkMode::keys) {
    keys_.push_back(Feature{fnv1a(fnv1a(kFnvBasis, prefix), word), kind});
    return;
  }
  std::string text(prefix);
  text += word;
  out_.tokens.push_back(Token{std::move(text), kind});
}

void TokenSink::add(std::string_view prefix, std::string_view word, TokenKind kind) {
  if (full()) {
    out_.truncated = true;
    return;
  }
  // A bigram's words are capped already (add_bigrams); the pair may be longer.
  if (kind != TokenKind::bigram && word.size() > limits_.max_token_length) {
    emit(prefix, "long:" + std::to_string(word.size() / 8), kind);
  } else {
    emit(prefix, word, kind);
  }
}

void TokenSink::add_text(std::string_view prefix, std::string_view text) {
  split_words(text, [&](const std::string& word) {
    add(prefix, word);
    if (prefix.empty()) add_bigrams(word);
  });
}

void TokenSink::add_bigrams(const std::string& word) {
  if (limits_.bigram_window < 2) return;
  const std::string& current = word.size() > limits_.max_token_length ? std::string("long") : word;
  // recent_ holds the previous words, oldest first: the newest is distance 1.
  for (std::size_t k = 0; k < recent_.size(); ++k) {
    const std::size_t distance = recent_.size() - k;
    if (mode_ == SinkMode::keys && !full()) {
      // The key of the text below, without making it.
      std::uint64_t h = fnv1a(fnv1a(kFnvBasis, recent_[k]), " ");
      for (std::size_t gap = 1; gap < distance; ++gap) h = fnv1a(h, "* ");
      ++count_;
      keys_.push_back(Feature{fnv1a(h, current), TokenKind::bigram});
      continue;
    }
    // "a b" for neighbours, "a * b" with one word between, and so on.
    std::string bigram = recent_[k];
    bigram += ' ';
    for (std::size_t gap = 1; gap < distance; ++gap) bigram += "* ";
    bigram += current;
    add("", bigram, TokenKind::bigram);
  }
  recent_.push_back(current);
  if (recent_.size() >= limits_.bigram_window) recent_.erase(recent_.begin());
}

Tokens TokenSink::finish() {
  if (out_.truncated) {
    if (mode_ == SinkMode::keys)
      keys_.push_back(Feature{fnv1a(kFnvBasis, "meta:truncated"), TokenKind::meta});
    else
      out_.tokens.push_back(Token{"meta:truncated", TokenKind::meta});
  }
  return std::move(out_);
}

}  // namespace mailroom::spam::detail
