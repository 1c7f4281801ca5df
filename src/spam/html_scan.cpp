#include "spam/html_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

#include "mailroom/util/text.hpp"

namespace mailroom::spam::detail {
namespace {

[[nodiscard]] constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

[[nodiscard]] constexpr bool is_host_byte(char c) noexcept {
  return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The URL scheme prefixes we look for, lower case.
constexpr std::string_view kPrefixes[] = {"http://", "https://", "www."};

// Could text[i] start a prefix? Each begins "ht" or "ww", in either case
// (0x20 joins exactly 'H' to 'h', 'T' to 't', 'W' to 'w'). Needs i + 1 <
// text.size().
[[nodiscard]] bool prefix_pair(const char* at) noexcept {
  const unsigned first = static_cast<unsigned char>(at[0]) | 0x20U;
  const unsigned second = static_cast<unsigned char>(at[1]) | 0x20U;
  return (first == 'h' && second == 't') || (first == 'w' && second == 'w');
}

// The same test for the 16 positions from `at` at once (reads 17 bytes),
// with GCC's vector extensions (SSE2 here, plain code where there is none):
// the whole body is scanned, and in prose "ht" and "ww" are rare, so most
// blocks are passed over in a few instructions.
using Block = unsigned char __attribute__((vector_size(16)));

// The pair test's hits in one block (0xFF where a prefix could start).
[[nodiscard]] Block block_pair_hits(const char* at) noexcept {
  Block first;
  Block second;
  std::memcpy(&first, at, sizeof first);
  std::memcpy(&second, at + 1, sizeof second);
  first |= 0x20;
  second |= 0x20;
  return ((first == 'h') & (second == 't')) | ((first == 'w') & (second == 'w'));
}

[[nodiscard]] bool any_byte(Block hits) noexcept {
  std::uint64_t halves[2];
  std::memcpy(halves, &hits, sizeof halves);
  return (halves[0] | halves[1]) != 0;
}

[[nodiscard]] bool block_has_prefix_pair(const char* at) noexcept {
  return any_byte(block_pair_hits(at));
}

// The same for the 32 positions from `at` (reads 33 bytes): two blocks'
// hits joined before the one reduction to a word, so that prose is passed
// over in ~30 instructions per 32 bytes (two 16-byte steps were ~56,
// callgrind).
[[nodiscard]] bool double_block_has_prefix_pair(const char* at) noexcept {
  return any_byte(block_pair_hits(at) | block_pair_hits(at + sizeof(Block)));
}

// Offset of the next URL start at or after pos, npos if none; *skip is
// the length of the scheme to skip ("www." is part of the host). One pass:
// the callers resume after each URL, so the whole text is scanned once.
std::size_t find_url(std::string_view text, std::size_t pos, std::size_t* skip) {
  constexpr std::size_t kBlock = sizeof(Block);
  std::size_t i = pos;
  while (i + 1 < text.size()) {
    while (i + 2 * kBlock + 1 <= text.size() && !double_block_has_prefix_pair(text.data() + i))
      i += 2 * kBlock;
    if (i + kBlock + 1 <= text.size() && !block_has_prefix_pair(text.data() + i)) {
      i += kBlock;
      continue;
    }
    for (const std::size_t end = std::min(i + kBlock, text.size() - 1); i < end; ++i) {
      if (!prefix_pair(text.data() + i)) continue;
      for (std::string_view p : kPrefixes) {
        if (i + p.size() > text.size() || !iequals(text.substr(i, p.size()), p)) continue;
        *skip = p == "www." ? 0 : p.size();
        return i;
      }
    }
  }
  return std::string_view::npos;
}

// The host as written, lower-cased by the sink (add_lower): no copy of it.
void add_host(std::string_view host, TokenSink& sink) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return;
  if (host.find_first_not_of("0123456789.") == std::string_view::npos) {
    sink.add("url:", "ip", TokenKind::meta);
    return;
  }
  sink.add_lower("url:", host, TokenKind::meta);
  const auto last = host.rfind('.');
  if (last == std::string_view::npos || last == 0) return;
  const auto second = host.rfind('.', last - 1);
  if (second != std::string_view::npos)
    sink.add_lower("url:", host.substr(second + 1), TokenKind::meta);
}

}  // namespace

void for_each_url(std::string_view text, const std::function<bool(const UrlHost&)>& visit) {
  std::size_t pos = 0;
  std::size_t skip = 0;
  for (;;) {
    const std::size_t start = find_url(text, pos, &skip);
    if (start == std::string_view::npos) return;
    UrlHost url;
    std::size_t i = start + skip;
    // user:password@ before the host is a classic disguise.
    const std::size_t end_auth = text.find_first_of("/@ \t\r\n\"'<>", i);
    if (end_auth != std::string_view::npos && text[end_auth] == '@') {
      url.userinfo = true;
      i = end_auth + 1;
    }
    std::size_t end = i;
    while (end < text.size() && is_host_byte(text[end])) ++end;
    url.host = text.substr(i, end - i);
    url.port = end < text.size() && text[end] == ':';
    if (!visit(url)) return;
    pos = end > start ? end : start + 1;
  }
}

void add_url_tokens(std::string_view text, TokenSink& sink) {
  for_each_url(text, [&sink](const UrlHost& url) {
    if (sink.full()) return false;
    if (url.userinfo) sink.add("url:", "userinfo", TokenKind::meta);
    add_host(url.host, sink);
    if (url.port) sink.add("url:", "port", TokenKind::meta);
    return true;
  });
}

void add_html_tokens(std::string_view html, TokenSink& sink) {
  std::size_t pos = 0;
  while (!sink.full()) {
    const std::size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos || lt + 1 >= html.size()) break;
    std::size_t end = lt + 1;
    while (end < html.size() &&
           (is_alpha(html[end]) || (end > lt + 1 && html[end] >= '0' && html[end] <= '9')))
      ++end;
    if (end > lt + 1) sink.add_lower("html:", html.substr(lt + 1, end - lt - 1), TokenKind::meta);
    pos = end;
  }
  add_url_tokens(html, sink);
}

}  // namespace mailroom::spam::detail
