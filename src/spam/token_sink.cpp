#include "spam/token_sink.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "mailroom/util/text.hpp"
#include "spam/word_keys_impl.hpp"

namespace mailroom::spam::detail {

void TokenSink::emit(std::string_view prefix, std::string_view word, TokenKind kind) {
  ++count_;
  if (mode_ == SinkMode::keys) {
    keys_.push_back(Feature{fnv1a_lower(fnv1a(kFnvBasis, prefix), word), kind});
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

void TokenSink::add_lower_copy(std::string_view prefix, std::string_view word, TokenKind kind) {
  add(prefix, ascii_lower(word), kind);
}

void TokenSink::add_text(std::string_view prefix, std::string_view text) {
  if (mode_ == SinkMode::keys) return add_text_keys(prefix, text);
  split_words(text, [&](std::string_view word) {
    add(prefix, word);
    if (prefix.empty()) add_bigrams(word);
  });
}

// add_text in keys mode: what add and add_bigrams do with each word, with
// the key split_word_keys made as it split the word. Per word, the calls
// through add, emit and add_bigrams and the second pass over the word to
// hash it were ~160 instructions (callgrind, a 4 KB message's ~560 words).
void TokenSink::add_text_keys(std::string_view prefix, std::string_view text) {
  const std::uint64_t start = fnv1a(kFnvBasis, prefix);
  // The limits and the counts in locals: a store to keys_ may alias
  // members, so the compiler would load them again per word (~20
  // instructions a body word for count_bigrams' part, callgrind).
  const std::size_t max_length = limits_.max_token_length;
  const std::size_t max_tokens = limits_.max_tokens;
  const std::size_t window = limits_.bigram_window;
  const bool bigrams = prefix.empty() && window >= 2;
  const bool bigram_keys = limits_.bigram_keys;
  // Each word (at least two bytes) makes a token and, in the body, at
  // most window-1 bigrams: when all of them fit, no word needs the tests.
  if (count_ + text.size() / 2 * (bigrams ? window : 1) <= max_tokens)
    return add_text_keys_with_room(start, text, bigrams);
  std::size_t count = count_;
  std::size_t recent_words = recent_words_;
  split_word_keys(text, start, [&](std::string_view word, std::uint64_t key) {
    const bool long_word = word.size() > max_length;
    if (count >= max_tokens) {  // full()
      out_.truncated = true;
    } else {
      ++count;
      if (long_word) key = fnv1a(start, "long:" + std::to_string(word.size() / 8));
      keys_.push_back(Feature{key, TokenKind::word});
    }
    if (!bigrams) return;
    if (!bigram_keys) {  // count_bigrams on the locals (count never passes max_tokens)
      if (count + recent_words <= max_tokens) {
        count += recent_words;
      } else {
        out_.truncated = true;
        count = std::max(count, max_tokens);
      }
      if (recent_words + 1 < window) ++recent_words;
      return;
    }
    count_ = count;
    if (long_word)
      add_bigram_keys("long");
    else
      add_bigram_keys(word, key);
    count = count_;
  });
  count_ = count;
  recent_words_ = recent_words;
}

// add_text_keys where the text's tokens cannot reach max_tokens: the
// same keys and count without a test of the count per word or bigram, and
// the bigrams counted without being made (bigram_keys off) added up at
// the end (~25 instructions a body word less, callgrind).
void TokenSink::add_text_keys_with_room(std::uint64_t start, std::string_view text, bool bigrams) {
  const std::size_t max_length = limits_.max_token_length;
  std::size_t words = 0;
  const auto word_key = [&](std::string_view word, std::uint64_t key) {
    ++words;
    if (word.size() > max_length) key = fnv1a(start, "long:" + std::to_string(word.size() / 8));
    keys_.push_back(Feature{key, TokenKind::word});
  };
  // Two loops, so that the words-only one (headers; Fisher alone) carries
  // none of the bigrams' state (it was ~1,500 instructions dearer a message
  // with them in one loop, callgrind).
  if (!bigrams || !limits_.bigram_keys) {
    split_word_keys(text, start, word_key);
    count_ += words;
    if (bigrams) count_ += counted_bigrams(words);
    return;
  }
  std::size_t bigrams_made = 0;
  split_word_keys(text, start, [&](std::string_view word, std::uint64_t key) {
    word_key(word, key);
    // add_bigram_keys without the count's test (a body's key starts at
    // kFnvBasis, so a word's own key is where its bigrams' states start).
    const bool long_word = word.size() > max_length;
    const std::string_view current = long_word ? std::string_view("long") : word;
    if (long_word) key = fnv1a(kFnvBasis, current);
    bigrams_made += recent_states_.size();
    for (std::uint64_t& state : recent_states_) {
      keys_.push_back(Feature{fnv1a_lower(state, current), TokenKind::bigram});
      state = fnv1a(state, "* ");
    }
    push_recent_state(fnv1a(key, " "));
  });
  count_ += words + bigrams_made;
}

// The bigrams count_bigrams counts for this many more body words, which
// all fit: word k counts min(recent_words_ + k, window-1).
std::size_t TokenSink::counted_bigrams(std::size_t words) {
  const std::size_t most = limits_.bigram_window - 1;
  std::size_t counted = 0;
  for (; words > 0 && recent_words_ < most; --words) counted += recent_words_++;
  return counted + words * most;
}

void TokenSink::add_bigrams(std::string_view word) {
  if (limits_.bigram_window < 2) return;
  if (!limits_.bigram_keys) return count_bigrams();
  const std::string_view current = word.size() > limits_.max_token_length ? "long" : word;
  if (mode_ == SinkMode::keys) return add_bigram_keys(current);
  // recent_ holds the previous words, oldest first: the newest is distance 1.
  for (std::size_t k = 0; k < recent_.size(); ++k) {
    const std::size_t distance = recent_.size() - k;
    // "a b" for neighbours, "a * b" with one word between, and so on.
    std::string bigram = recent_[k];
    bigram += ' ';
    for (std::size_t gap = 1; gap < distance; ++gap) bigram += "* ";
    bigram += current;
    add("", bigram, TokenKind::bigram);
  }
  recent_.emplace_back(current);
  if (recent_.size() >= limits_.bigram_window) recent_.erase(recent_.begin());
}

// The keys of the text add_bigrams makes, in the same order (a pinned
// equality: tokenize_test, token_pin_test), from the states of
// recent_states_: one pass over the current word per bigram, no string.
void TokenSink::add_bigram_keys(std::string_view current) {
  add_bigram_keys(current, fnv1a(kFnvBasis, current));
}

// add_bigram_keys(ascii_lower(word)) for a body word whose key (from
// kFnvBasis) is `key`: that key is where its own bigrams' states start.
void TokenSink::add_bigram_keys(std::string_view word, std::uint64_t key) {
  for (std::uint64_t& state : recent_states_) {
    if (full()) {
      out_.truncated = true;
    } else {
      ++count_;
      keys_.push_back(Feature{fnv1a_lower(state, word), TokenKind::bigram});
    }
    state = fnv1a(state, "* ");
  }
  push_recent_state(fnv1a(key, " "));
}

// recent_states_.push_back(state), then the oldest dropped when it holds
// bigram_window states: shifted down in place (at most window-1 of them),
// not erase(begin()), which called memmove per body word.
void TokenSink::push_recent_state(std::uint64_t state) {
  if (recent_states_.size() + 1 < limits_.bigram_window) {
    recent_states_.push_back(state);
    return;
  }
  for (std::size_t k = 1; k < recent_states_.size(); ++k) recent_states_[k - 1] = recent_states_[k];
  recent_states_.back() = state;
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
