#include "mailroom/message/transfer_encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailroom::message {
namespace {

struct Case {
  const char* label;
  TransferEncoding enc;
  std::string in;
  std::string out;
  bool garbage;
};

TEST(TransferEncoding, Table) {
  using TE = TransferEncoding;
  const std::vector<Case> cases = {
      {"b64", TE::base64, "aGVsbG8=", "hello", false},
      {"b64 lines", TE::base64, "aGVs\r\nbG8=\r\n", "hello", false},
      {"b64 no padding", TE::base64, "aGVsbG8", "hello", false},
      {"b64 garbage", TE::base64, "aGV*sbG8=", "hello", true},
      {"b64 truncated", TE::base64, "aGVsbG8gd", "hello ", true},
      {"b64 concatenated", TE::base64, "aGk=\naGk=\n", "hihi", false},
      {"b64 empty", TE::base64, "", "", false},
      {"qp", TE::quoted_printable, "caf=C3=A9", "caf\xc3\xa9", false},
      {"qp lower hex", TE::quoted_printable, "caf=c3=a9", "caf\xc3\xa9", false},
      {"qp soft crlf", TE::quoted_printable, "ab=\r\ncd\r\n", "abcd\r\n", false},
      {"qp soft lf", TE::quoted_printable, "ab=\ncd", "abcd", false},
      {"qp soft padded", TE::quoted_printable, "ab= \t\ncd", "abcd", false},
      {"qp stray =", TE::quoted_printable, "a=zb", "a=zb", true},
      {"qp = at end", TE::quoted_printable, "abc=", "abc", false},
      {"qp =X at end", TE::quoted_printable, "abc=4", "abc=4", true},
      {"7bit", TE::seven_bit, "as is=41", "as is=41", false},
      {"binary", TE::binary, std::string("a\0b", 3), std::string("a\0b", 3), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    Defects d;
    EXPECT_EQ(decode_transfer(c.in, c.enc, d), c.out);
    EXPECT_EQ(d.has(Defect::bad_transfer_encoding), c.garbage);
  }
}

TEST(TransferEncoding, Names) {
  EXPECT_EQ(parse_transfer_encoding(" Base64 "), TransferEncoding::base64);
  EXPECT_EQ(parse_transfer_encoding("QUOTED-PRINTABLE"), TransferEncoding::quoted_printable);
  EXPECT_EQ(parse_transfer_encoding(""), TransferEncoding::seven_bit);
  EXPECT_EQ(parse_transfer_encoding("8bit;"), TransferEncoding::eight_bit);
  EXPECT_EQ(parse_transfer_encoding("x-uuencode"), TransferEncoding::unknown);
}

TEST(TransferEncoding, Limit) {
  Defects d;
  const std::string out = decode_transfer(std::string(4000, 'Q'), TransferEncoding::base64, d, 100);
  EXPECT_EQ(out.size(), 100U);
  EXPECT_TRUE(d.has(Defect::decoded_truncated));
  Defects d2;
  EXPECT_EQ(decode_transfer("=41=42=43", TransferEncoding::quoted_printable, d2, 2), "AB");
  EXPECT_TRUE(d2.has(Defect::decoded_truncated));
}

}  // namespace
}  // namespace mailroom::message
