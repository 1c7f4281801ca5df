// DecodedParts gives what message::decode_content / decode_text give, shared
// when no cap can cut the part and decoded apart when one could.
#include "spam/decoded_parts.hpp"

#include <gtest/gtest.h>

#include <string>

#include "mailroom/message/decode.hpp"
#include "unit/spam/message_builder.hpp"

namespace mailroom::spam {
namespace {

using test::parse;

const char* const kMessage =
    "From: a@example.com\r\n"
    "Content-Type: multipart/alternative; boundary=b\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=E9 au lait, soft=\r\n"
    "break and http://example.org/\r\n"
    "--b\r\n"
    "Content-Type: text/html; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "<html><body><p>Caf=E9 &amp; <a href=3D\"http://x.example/\">cr=E8me</a></p>\r\n"
    "</body></html>\r\n"
    "--b--\r\n";

message::Limits capped(const message::Message& msg, std::size_t cap) {
  message::Limits limits = msg.limits();
  limits.max_decoded_size = cap;
  return limits;
}

TEST(DecodedPartsTest, SameAsDecodingEachTimeAtAnyCap) {
  const message::Message msg = parse(kMessage);
  for (const std::size_t cap : {std::size_t{1} << 20, std::size_t{4000}, std::size_t{90},
                                std::size_t{10}, std::size_t{0}}) {
    detail::DecodedParts decoded(msg);
    for (const message::Part& part : msg.parts()) {
      if (!part.is_leaf() || !part.is_text()) continue;
      message::Defects defects;
      // Twice: the second answer may be the shared one.
      for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(decoded.content(part, cap),
                  message::decode_content(part, capped(msg, cap), defects))
            << "cap " << cap;
        EXPECT_EQ(decoded.text(part, cap), message::decode_text(part, capped(msg, cap), defects))
            << "cap " << cap;
      }
    }
  }
}

TEST(DecodedPartsTest, OneDecodingServesTwoUncutCaps) {
  const message::Message msg = parse(kMessage);
  detail::DecodedParts decoded(msg);
  const message::Part& html = msg.parts().back();
  ASSERT_TRUE(html.content_type.is("text", "html"));
  const std::string& first = decoded.text(html, std::size_t{1} << 20);
  EXPECT_EQ(&decoded.text(html, std::size_t{1} << 18), &first);  // shared, not decoded again
  EXPECT_NE(first.find("Caf\xC3\xA9 & cr\xC3\xA8me"), std::string::npos);
  // A cap that could cut the text is decoded apart, as decode_text cuts it.
  message::Defects defects;
  EXPECT_NE(&decoded.text(html, 40), &first);
  EXPECT_EQ(decoded.text(html, 40), message::decode_text(html, capped(msg, 40), defects));
}

TEST(DecodedPartsTest, PartOfAnotherMessageIsDecodedApart) {
  const message::Message msg = parse(kMessage);
  const message::Message other = parse(kMessage);
  detail::DecodedParts decoded(msg);
  const message::Part& part = other.parts().back();
  message::Defects defects;
  EXPECT_EQ(decoded.content(part, 1000),
            message::decode_content(part, capped(other, 1000), defects));
}

}  // namespace
}  // namespace mailroom::spam
