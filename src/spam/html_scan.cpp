#include "spam/html_scan.hpp"

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

// Offset of the next URL start at or after pos, npos if none; *skip is
// the length of the scheme to skip ("www." is part of the host). One pass:
// the callers resume after each URL, so the whole text is scanned once.
std::size_t find_url(std::string_view text, std::size_t pos, std::size_t* skip) {
  for (std::size_t i = pos; i < text.size(); ++i) {
    const char c = ascii_lower(text[i]);
    if (c != 'h' && c != 'w') continue;
    for (std::string_view p : kPrefixes) {
      if (i + p.size() > text.size() || !iequals(text.substr(i, p.size()), p)) continue;
      *skip = p == "www." ? 0 : p.size();
      return i;
    }
  }
  return std::string_view::npos;
}

void add_host(std::string host, TokenSink& sink) {
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return;
  for (char& c : host) c = ascii_lower(c);
  if (host.find_first_not_of("0123456789.") == std::string::npos) {
    sink.add("url:", "ip", TokenKind::meta);
    return;
  }
  sink.add("url:", host, TokenKind::meta);
  const auto last = host.rfind('.');
  if (last == std::string::npos || last == 0) return;
  const auto second = host.rfind('.', last - 1);
  if (second != std::string::npos) sink.add("url:", host.substr(second + 1), TokenKind::meta);
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
    add_host(std::string(url.host), sink);
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
    if (end > lt + 1)
      sink.add("html:", ascii_lower(html.substr(lt + 1, end - lt - 1)), TokenKind::meta);
    pos = end;
  }
  add_url_tokens(html, sink);
}

}  // namespace mailroom::spam::detail
