// split_words (token_sink.hpp), a template so the per-byte loop inlines.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/util/text.hpp"

namespace mailroom::spam::detail {

[[nodiscard]] constexpr bool is_word_byte(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80 ||
         c == '$' || c == '%' || c == '\'' || c == '-' || c == '.' || c == '!' || c == '_' ||
         c == '@';
}

// Marks that only count inside a word: "end." and "-x" are "end" and "x".
[[nodiscard]] constexpr bool is_edge_mark(char c) noexcept {
  return c == '\'' || c == '-' || c == '.' || c == '_';
}

template <class Emit>
void split_words(std::string_view text, Emit&& emit) {
  std::string word;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_byte(text[i])) ++i;
    std::size_t end = i;
    while (end < text.size() && is_word_byte(text[end])) ++end;
    std::string_view raw = text.substr(i, end - i);
    i = end;
    while (!raw.empty() && is_edge_mark(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && is_edge_mark(raw.back())) raw.remove_suffix(1);
    if (raw.size() < 2) continue;
    if (raw.find_first_not_of("0123456789") == std::string_view::npos && raw.size() > 4) {
      emit("num:" + std::to_string(raw.size()));
      continue;
    }
    word.assign(raw);
    for (char& c : word) c = ascii_lower(c);
    emit(word);
  }
}

}  // namespace mailroom::spam::detail
