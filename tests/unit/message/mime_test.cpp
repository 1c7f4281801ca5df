#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mailroom/message/message.hpp"
#include "unit/message/message_shape.hpp"

namespace mailroom::message {
namespace {

using testing::defect_names;
using testing::parse_string;
using testing::shape;

struct Case {
  const char* label;
  std::string in;
  std::string shape;
  std::string defects;  // defect_names of the whole message
};

const std::string kMixed =
    "From: a@x\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
    "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hi</p>\r\n--b1--\r\nepilogue\r\n";

TEST(MimeTable, Shapes) {
  const std::vector<Case> cases = {
      {"plain", "Subject: x\n\nbody\n", "text/plain", ""},
      {"mixed", kMixed, "multipart/mixed(text/plain,text/html)", ""},
      {"nested",
       "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
       "Content-Type: multipart/alternative; boundary=i\n\n--i\n\nA\n--i\n"
       "Content-Type: text/html\n\nB\n--i--\n--o\nContent-Type: image/png\n\nC\n--o--\n",
       "multipart/mixed(multipart/alternative(text/plain,text/html),image/png)", ""},
      {"rfc822",
       "Content-Type: message/rfc822\n\nSubject: inner\nContent-Type: text/html\n\n<b>x</b>\n",
       "message/rfc822(text/html)", ""},
      {"digest", "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\n1\n--d--\n",
       "multipart/digest(message/rfc822(text/plain))", ""},
      {"boundary prefix not a delimiter",
       "Content-Type: multipart/mixed; boundary=ab\n\n--ab\n\nx\n--abc\ny\n--ab--\n",
       "multipart/mixed(text/plain)", ""},
      {"trailing space on delimiter",
       "Content-Type: multipart/mixed; boundary=b\n\n--b  \n\nx\n--b--  \n",
       "multipart/mixed(text/plain)", ""},
      // --- must degrade
      {"missing final boundary",
       "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b\n\ny\n",
       "multipart/mixed(text/plain,text/plain)", "missing_final_boundary"},
      {"no boundary param", "Content-Type: multipart/mixed\n\n--b\n\nx\n", "multipart/mixed",
       "missing_boundary"},
      {"wrong boundary", "Content-Type: multipart/mixed; boundary=zz\n\n--b\n\nx\n--b--\n",
       "multipart/mixed", "missing_final_boundary,no_parts"},
      {"base64 rfc822 stays opaque",
       "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeA==\n",
       "message/rfc822", ""},
      {"unknown cte", "Content-Transfer-Encoding: x-gzip\n\nabc", "text/plain",
       "bad_transfer_encoding"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    const Message m = parse_string(c.in);
    EXPECT_EQ(shape(m), c.shape);
    EXPECT_EQ(defect_names(m.defects()), c.defects);
  }
}

TEST(Mime, PartViews) {
  const Message m = parse_string(kMixed);
  ASSERT_EQ(m.parts().size(), 3U);
  const Part& root = m.root();
  EXPECT_EQ(root.preamble, "preamble");
  EXPECT_EQ(root.epilogue, "epilogue\r\n");
  EXPECT_EQ(m.parts()[1].body, "hello");
  EXPECT_EQ(m.parts()[1].parent, 0U);
  EXPECT_EQ(m.parts()[1].depth, 1U);
  EXPECT_EQ(m.parts()[2].raw, "Content-Type: text/html; charset=utf-8\r\n\r\n<p>hi</p>");
  EXPECT_EQ(m.body_text(), "hello\n\nhi");
  ASSERT_EQ(m.text_parts().size(), 2U);
}

TEST(Mime, LazyDecoding) {
  const Message m = parse_string(
      "Subject: =?utf-8?q?caf=C3=A9?=\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
      "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n"
      "\ncaf=E9 =\nau lait\n--b\nContent-Type: application/octet-stream\n"
      "Content-Disposition: attachment; filename*=utf-8''%C3%A9.bin\n"
      "Content-Transfer-Encoding: base64\n\nAAEC\n--b--\n");
  EXPECT_EQ(m.subject(), "caf\xc3\xa9");
  ASSERT_EQ(m.parts().size(), 3U);
  EXPECT_EQ(m.text(m.parts()[1]), "caf\xc3\xa9 au lait");
  EXPECT_EQ(m.decoded(m.parts()[2]), std::string("\x00\x01\x02", 3));
  EXPECT_EQ(m.parts()[2].filename(), "\xc3\xa9.bin");
  EXPECT_FALSE(m.parts()[2].is_text());
}

TEST(MimeLimits, DepthIsCut) {
  std::string msg;
  for (int i = 0; i < 200; ++i) {
    msg += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
           std::to_string(i) + "\n";
  }
  msg += "\ninnermost\n";
  Limits l;
  l.max_mime_depth = 20;
  const Message m = parse_string(msg, l);
  EXPECT_EQ(m.parts().size(), 21U);
  EXPECT_TRUE(m.has(Defect::mime_too_deep));
  EXPECT_TRUE(m.limits_hit());
}

// Nesting multiplies delimiter scanning; the scan budget keeps the work
// linear in the message size.
TEST(MimeLimits, ScanBudgetIsCut) {
  std::string msg;
  for (int i = 0; i < 90; ++i) {
    msg += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
           std::to_string(i) + "\n";
  }
  msg += "\n" + std::string(1 << 20, 'x') + "\n";
  const Message m = parse_string(msg);
  EXPECT_TRUE(m.has(Defect::mime_scan_limit));
  EXPECT_TRUE(m.limits_hit());
  EXPECT_LT(m.parts().size(), 40U);
  Limits generous;
  generous.max_mime_scan_factor = 100;
  EXPECT_FALSE(parse_string(msg, generous).has(Defect::mime_scan_limit));
}

TEST(MimeLimits, PartCountIsCut) {
  std::string msg = "Content-Type: multipart/mixed; boundary=b\n\n";
  for (int i = 0; i < 500; ++i) msg += "--b\n\npart\n";
  msg += "--b--\n";
  Limits l;
  l.max_parts = 100;
  const Message m = parse_string(msg, l);
  EXPECT_EQ(m.parts().size(), 100U);
  EXPECT_TRUE(m.has(Defect::too_many_parts));
}

TEST(MimeLimits, DecodedSizeIsCut) {
  Limits l;
  l.max_decoded_size = 10;
  const Message m = parse_string("Content-Type: text/plain\n\n" + std::string(100, 'x'), l);
  EXPECT_EQ(m.text(m.root()).size(), 10U);
  EXPECT_EQ(m.body_text().size(), 10U);
}

// Every prefix of a message parses, and every view stays inside the buffer.
TEST(Mime, EveryPrefixParses) {
  for (std::size_t n = 0; n <= kMixed.size(); ++n) {
    const Message m = parse_string(kMixed.substr(0, n));
    const auto raw = m.raw();
    for (const Part& p : m.parts()) {
      EXPECT_GE(p.body.data(), raw.data());
      EXPECT_LE(p.body.data() + p.body.size(), raw.data() + raw.size());
    }
    (void)m.body_text();
  }
}

TEST(Mime, HeadersOnlyScope) {
  const Message m = Message::parse(std::make_shared<const Buffer>(Buffer::from_string(kMixed)), {},
                                   Scope::headers);
  EXPECT_EQ(m.parts().size(), 1U);
  EXPECT_TRUE(m.root().content_type.is_multipart());
  EXPECT_NE(m.find("From"), nullptr);
}

}  // namespace
}  // namespace mailroom::message
