// Text escaped for XML (the reports we send) and HTML (the summary page):
// both put report content, which is hostile, between markup.
#pragma once

#include <string>
#include <string_view>

namespace mailroom::dmarc_report {

// `text` appended to `out` as element text or a quoted attribute value.
// XML 1.0 §2.2: control characters other than tab, LF and CR cannot
// appear even as references (HTML calls them parse errors); a hostile
// string's are dropped.
inline void append_escaped(std::string& out, std::string_view text) {
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
}

}  // namespace mailroom::dmarc_report
