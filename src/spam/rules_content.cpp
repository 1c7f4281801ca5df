// The content symbols (rules.hpp): HTML without a plain-text version, an
// empty body, links (numeric hosts, shorteners, text that shows another
// host than the link) and executable attachments.
#include <algorithm>
#include <array>

#include "mailroom/spam/rules.hpp"
#include "mailroom/util/text.hpp"
#include "spam/decoded_parts.hpp"
#include "spam/html_scan.hpp"

namespace mailroom::spam::rules {
namespace {

using Found = std::vector<std::pair<std::string, std::string>>;

// Bytes of text and HTML the link rules read, all parts together: the rest
// of a huge message adds nothing a sender could not put first.
constexpr std::size_t kScanBytes = std::size_t{256} << 10;
constexpr std::size_t kMaxUrls = 500;

constexpr std::array<std::string_view, 16> kShorteners{
    "bit.ly",  "tinyurl.com", "t.co",        "goo.gl", "ow.ly", "is.gd", "buff.ly",   "rebrand.ly",
    "cutt.ly", "tiny.cc",     "shorturl.at", "rb.gy",  "t.ly",  "s.id",  "bitly.com", "v.gd"};

// Windows and script files that run when opened (what mail gateways
// commonly block), and the MIME types of programs.
constexpr std::array<std::string_view, 20> kExecutableExtensions{
    "exe", "scr", "com", "pif", "bat", "cmd", "vbs", "vbe", "js",  "jse",
    "wsf", "wsh", "msi", "cpl", "jar", "lnk", "hta", "ps1", "reg", "dll"};
constexpr std::array<std::string_view, 5> kExecutableTypes{
    "application/x-msdownload", "application/x-dosexec", "application/x-msdos-program",
    "application/x-executable", "application/vnd.microsoft.portable-executable"};

std::string normal_host(std::string_view host) {
  std::string h = ascii_lower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  if (h.size() > 4 && h.compare(0, 4, "www.") == 0) h.erase(0, 4);
  return h;
}

bool numeric_host(std::string_view host) {
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos &&
         std::count(host.begin(), host.end(), '.') == 3;
}

void add_once(Found& out, std::string_view symbol, std::string what) {
  for (const auto& f : out)
    if (f.first == symbol) return;
  out.emplace_back(std::string(symbol), std::move(what));
}

void url_symbols(std::string_view text, Found& out) {
  std::size_t count = 0;
  detail::for_each_url(text, [&](const detail::UrlHost& url) {
    const std::string host = normal_host(url.host);
    if (numeric_host(host)) add_once(out, "URL_IP_HOST", host);
    if (std::find(kShorteners.begin(), kShorteners.end(), host) != kShorteners.end())
      add_once(out, "URL_SHORTENER", host);
    return ++count < kMaxUrls;
  });
}

// The first URL host in text, "" if none.
std::string first_host(std::string_view text) {
  std::string host;
  detail::for_each_url(text, [&host](const detail::UrlHost& url) {
    host = normal_host(url.host);
    return false;
  });
  return host;
}

// <a href="http://A/...">... http://B/ ...</a> with B not A: the text a
// reader trusts shows one place, the link leads to another.
void anchor_symbols(std::string_view html, Found& out) {
  std::size_t pos = 0;
  for (std::size_t anchors = 0; anchors < kMaxUrls; ++anchors) {
    const std::size_t open = html.find("<a", pos);
    if (open == std::string_view::npos) return;
    const std::size_t tag_end = html.find('>', open);
    if (tag_end == std::string_view::npos) return;
    const std::size_t close = html.find("</a", tag_end);
    const std::size_t text_end = close == std::string_view::npos ? html.size() : close;
    pos = text_end;
    if (open + 2 < html.size() && !is_space(html[open + 2])) continue;  // <abbr>, <area>
    const std::string tag = ascii_lower(html.substr(open, tag_end - open));
    const std::size_t href = tag.find("href");
    if (href == std::string::npos) continue;
    const std::string target = first_host(std::string_view(tag).substr(href));
    const std::string shown = first_host(html.substr(tag_end + 1, text_end - tag_end - 1));
    if (!target.empty() && !shown.empty() && !related_domains(target, shown))
      add_once(out, "URL_TEXT_HOST_MISMATCH", std::string(shown).append(" -> ").append(target));
  }
}

std::string extension(std::string_view name) {
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string{} : ascii_lower(name.substr(dot + 1));
}

void attachment_symbols(const message::Part& part, Found& out) {
  const std::string name = part.filename();
  const std::string ext = extension(name);
  const std::string type = part.content_type.mime_type();
  if (std::find(kExecutableExtensions.begin(), kExecutableExtensions.end(), ext) !=
          kExecutableExtensions.end() ||
      std::find(kExecutableTypes.begin(), kExecutableTypes.end(), type) != kExecutableTypes.end())
    add_once(out, "ATTACH_EXECUTABLE", name.empty() ? type : name);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> content_symbols(const message::Message& m) {
  detail::DecodedParts decoded(m);
  return content_symbols(m, decoded);
}

std::vector<std::pair<std::string, std::string>> content_symbols(const message::Message& m,
                                                                 detail::DecodedParts& decoded) {
  Found out;
  bool html = false;
  bool plain = false;
  bool attachment = false;
  bool text_seen = false;
  // One budget for all parts together: a hostile message of thousands of
  // parts costs no more than one large part.
  std::size_t budget = kScanBytes;
  for (const message::Part& part : m.parts()) {
    if (!part.is_leaf()) continue;
    if (!part.is_text()) {
      attachment = true;
      attachment_symbols(part, out);
      continue;
    }
    const bool is_html = part.content_type.is("text", "html");
    (is_html ? html : plain) = true;
    if (budget == 0) {  // unread: judge emptiness by the encoded bytes
      text_seen = text_seen || !trim_space(part.body).empty();
      continue;
    }
    const std::size_t cap = std::min(m.limits().max_decoded_size, budget);
    const std::string& content = decoded.content(part, cap);
    budget -= std::min(budget, content.size());
    url_symbols(content, out);
    if (is_html) anchor_symbols(content, out);
    if (!text_seen) {
      const std::string& text = is_html ? decoded.text(part, cap) : content;
      text_seen = !trim_space(text).empty();
    }
  }
  if (html && !plain) add_once(out, "HTML_ONLY", "");
  if (!text_seen && !attachment) add_once(out, "EMPTY_BODY", "");
  return out;
}

}  // namespace mailroom::spam::rules
