#include "mailroom/message/html.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailroom::message {
namespace {

struct Case {
  std::string in;
  std::string out;
};

TEST(Html, Table) {
  const std::vector<Case> cases = {
      {"<p>Hello <b>world</b></p>", "Hello world"},
      {"a<br>b<BR/>c", "a\nb\nc"},
      {"<html><head><title>T</title><style>p{}</style></head><body>x</body></html>", "x"},
      {"<script>alert('<b>')</script>visible", "visible"},
      {"<!-- hidden -->shown", "shown"},
      {"&amp;&lt;&gt;&quot;&#233;&#xE9;&euro;", "&<>\"\xc3\xa9\xc3\xa9\xe2\x82\xac"},
      {"a&nbsp;b", "a b"},
      {"&unknown; &", "&unknown; &"},
      {"5 < 6 and 7 > 3", "5 < 6 and 7 > 3"},
      {"<a href=\"x>y\">link</a>", "link"},
      {"  lots   of \n\n space  ", "lots of space"},
      {"<div>one</div><div>two</div>", "one\ntwo"},
      {"<unterminated", ""},
      {"<style>never closed", ""},
      {"&#0;&#xD800;&#99999999;", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(html_to_text(c.in), c.out);
  }
}

TEST(Html, Limit) {
  std::string big;
  for (int i = 0; i < 10000; ++i) big += "<p>word</p>";
  EXPECT_LE(html_to_text(big, 100).size(), 100U);
}

}  // namespace
}  // namespace mailroom::message
