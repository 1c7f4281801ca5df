// libFuzzer: the spam tokenizer reads every part of a message from anyone.
// Parse, tokenize within small limits, and check the limits hold: no more
// tokens than allowed (plus the markers), no token longer than its prefix
// plus the length cap, the features unique and sorted by key, and
// distinct_features() (what scoring uses) the same features.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/tokenize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(text));
  const auto msg = message::Message::parse(buffer);
  spam::TokenLimits limits;
  limits.max_tokens = 300;
  limits.max_token_length = 20;
  limits.max_bytes_scanned = 4096;
  const spam::Tokens tokens = spam::tokenize(msg, limits);
  if (tokens.tokens.size() > limits.max_tokens + 2) __builtin_trap();  // + truncated, scan-budget
  for (const auto& t : tokens.tokens) {
    // The longest prefix is "att:ext:" (8) ; a bigram is two words and gaps.
    const std::size_t cap = t.kind == spam::TokenKind::bigram
                                ? 2 * limits.max_token_length + 2 * limits.bigram_window
                                : 8 + std::max<std::size_t>(limits.max_token_length, 12);
    if (t.text.size() > cap) __builtin_trap();
  }
  const auto features = spam::unique_features(tokens);
  for (std::size_t i = 1; i < features.size(); ++i) {
    if (!(features[i - 1].key < features[i].key)) __builtin_trap();
  }
  // What scoring and learning use: the same keys, made without the text.
  const auto distinct = spam::distinct_features(msg, limits);
  if (distinct.features != features || distinct.truncated != tokens.truncated) __builtin_trap();
  return 0;
}
