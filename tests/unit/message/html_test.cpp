#include "mailroom/message/html.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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
      // Single spaces inside a run of text, before a tag, an entity, other
      // white space and at the end.
      {"one two  three \tfour <b>five</b> &amp; six &x y\nz ",
       "one two three four five & six &x y z"},
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

// Text is copied a run at a time: for every max_out the output is the
// start of the whole text (without the white space it would end on).
TEST(Html, EveryLimitCutsTheSameText) {
  const std::string in =
      "<p>Hello  <b>wonderful</b>\tworld</p>&amp; more&nbsp;text<div>one</div>two "
      "a_long_run_of_plain_text_without_any_break";
  const std::string whole = html_to_text(in);
  for (std::size_t max = 0; max <= whole.size() + 2; ++max) {
    std::string want = whole.substr(0, std::min(max, whole.size()));
    while (!want.empty() && (want.back() == ' ' || want.back() == '\n')) want.pop_back();
    EXPECT_EQ(html_to_text(in, max), want) << "max_out " << max;
  }
}

}  // namespace
}  // namespace mailroom::message
