// HTML tags and URLs as tokens: what the text view of a part loses (the
// tags a sender chose, the hosts links point to) is evidence too.
#pragma once

#include <functional>
#include <string_view>

#include "spam/token_sink.hpp"

namespace mailroom::spam::detail {

// "html:<tag>" per start tag, plus the URLs of its attributes.
void add_html_tokens(std::string_view html, TokenSink& sink);

// One URL found in text: its host as written (before any ":port" or
// path), and whether user:password@ came before it or a port after it.
struct UrlHost {
  std::string_view host;
  bool userinfo = false;
  bool port = false;
};

// Calls visit for each http(s):// or www. URL in order, until it returns
// false (one pass over text).
void for_each_url(std::string_view text, const std::function<bool(const UrlHost&)>& visit);

// For each http(s):// or www. URL: "url:<host>", "url:<last two labels>",
// "url:ip" for a numeric host, "url:port" for an explicit port.
void add_url_tokens(std::string_view text, TokenSink& sink);

}  // namespace mailroom::spam::detail
