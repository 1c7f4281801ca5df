// DNS wire format: queries as sent, responses built here octet by octet.
#include "dns/wire.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailroom::dns::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::uint16_t kId = 0x1234;
constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kTypeCname = 5;
constexpr std::uint16_t kTypePtr = 12;
constexpr std::uint16_t kTypeMx = 15;
constexpr std::uint16_t kTypeTxt = 16;
constexpr std::uint16_t kTypeAaaa = 28;
constexpr std::uint16_t kQuestionName = 12;  // the question's name follows the header

void put16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Uncompressed labels and the root's zero octet.
Bytes encode_name(std::string_view dotted) {
  Bytes out;
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    const auto label = dotted.substr(0, dot);
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    dotted.remove_prefix(dot == std::string_view::npos ? dotted.size() : dot + 1);
  }
  out.push_back(0);
  return out;
}

Bytes pointer(std::uint16_t offset) {
  Bytes out;
  put16(out, static_cast<std::uint16_t>(0xC000 | offset));
  return out;
}

Bytes u16(std::uint16_t value) {
  Bytes out;
  put16(out, value);
  return out;
}

Bytes character_string(std::string_view text) {
  return Bytes{static_cast<std::uint8_t>(text.size())} + bytes(text);
}

// A response: header flags, questions and answer records with raw RDATA.
struct Response {
  std::uint16_t id = kId;
  std::uint8_t flags_high = 0x81;  // QR, opcode 0, RD
  std::uint8_t flags_low = 0x80;   // RA, RCODE 0
  Bytes questions;
  std::uint16_t question_count = 0;
  Bytes records;
  std::uint16_t answer_count = 0;

  Response& rcode(int value) {
    flags_low = static_cast<std::uint8_t>(0x80 | value);
    return *this;
  }
  Response& question(std::string_view name, std::uint16_t type, std::uint16_t rclass = 1) {
    questions = questions + encode_name(name) + u16(type) + u16(rclass);
    ++question_count;
    return *this;
  }
  // The offset the next record's owner will have.
  [[nodiscard]] std::uint16_t next_offset() const {
    return static_cast<std::uint16_t>(12 + questions.size() + records.size());
  }
  Response& answer(const Bytes& owner, std::uint16_t type, const Bytes& rdata,
                   std::uint16_t rclass = 1) {
    records = records + owner + u16(type) + u16(rclass) + u16(0) + u16(300) +
              u16(static_cast<std::uint16_t>(rdata.size())) + rdata;
    ++answer_count;
    return *this;
  }
  [[nodiscard]] Bytes build() const {
    Bytes out = u16(id) + Bytes{flags_high, flags_low} + u16(question_count) + u16(answer_count);
    put16(out, 0);
    put16(out, 0);
    return out + questions + records;
  }
};

Response reply_to(std::string_view name, std::uint16_t type) {
  Response response;
  response.question(name, type);
  return response;
}

Result<Answer> parse(const Bytes& message, std::string_view name, RecordType type,
                     std::size_t max_records = 16) {
  return parse_answer(message, name, type, max_records);
}

// The error parse_answer must give: temporary, with `words` in it.
void expect_temporary(const Result<Answer>& answer, std::string_view words) {
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().kind, ErrorKind::temporary);
  EXPECT_NE(answer.error().message.find(words), std::string::npos) << answer.error().message;
}

// --- encode_query

TEST(WireQuery, LayoutWithEdns) {
  auto query = encode_query(0xBEEF, "Mail.Example.com", RecordType::mx, 1232);
  ASSERT_TRUE(query);
  const Bytes expected = u16(0xBEEF) + Bytes{0x01, 0x00} + u16(1) + u16(0) + u16(0) + u16(1) +
                         encode_name("Mail.Example.com") + u16(kTypeMx) + u16(1) + Bytes{0} +
                         u16(41) + u16(1232) + u16(0) + u16(0) + u16(0);
  EXPECT_EQ(*query, expected);
}

TEST(WireQuery, WithoutEdnsAndWithTrailingDot) {
  auto query = encode_query(7, "example.com.", RecordType::txt, 0);
  ASSERT_TRUE(query);
  const Bytes expected = u16(7) + Bytes{0x01, 0x00} + u16(1) + u16(0) + u16(0) + u16(0) +
                         Bytes{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0} +
                         u16(kTypeTxt) + u16(1);
  EXPECT_EQ(*query, expected);
}

TEST(WireQuery, RefusesInvalidNames) {
  for (const std::string& bad :
       {std::string(), std::string("a..b"), std::string("."), std::string(64, 'a') + ".com"}) {
    auto query = encode_query(1, bad, RecordType::a, 1232);
    ASSERT_FALSE(query) << bad;
    EXPECT_EQ(query.error().kind, ErrorKind::parse);
  }
}

TEST(WireQuery, ReadsBackAsItsOwnQuestion) {
  auto query = encode_query(kId, "example.com", RecordType::a, 0);
  ASSERT_TRUE(query);
  Bytes reply = *query;
  reply[2] |= 0x80;  // QR: now it is the (empty) response
  EXPECT_TRUE(answers(reply, kId, "example.com", RecordType::a));
}

// --- read_header

TEST(WireHeader, ReadsFields) {
  const Bytes message =
      u16(0xABCD) + Bytes{0x80 | (2 << 3) | 0x02 | 0x01, 0x85} + u16(3) + u16(0) + u16(0) + u16(0);
  const auto header = read_header(message);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->id, 0xABCD);
  EXPECT_TRUE(header->response);
  EXPECT_EQ(header->opcode, 2);
  EXPECT_TRUE(header->truncated);
  EXPECT_EQ(header->rcode, 5);
  EXPECT_EQ(header->question_count, 3);

  const auto query = read_header(Bytes(12, 0));
  ASSERT_TRUE(query);
  EXPECT_FALSE(query->response);
  EXPECT_FALSE(query->truncated);
  EXPECT_FALSE(read_header(Bytes(11, 0)));
  EXPECT_FALSE(read_header({}));
}

TEST(WireHeader, RcodeNames) {
  EXPECT_EQ(rcode_name(0), "NOERROR");
  EXPECT_EQ(rcode_name(1), "FORMERR");
  EXPECT_EQ(rcode_name(2), "SERVFAIL");
  EXPECT_EQ(rcode_name(3), "NXDOMAIN");
  EXPECT_EQ(rcode_name(4), "NOTIMP");
  EXPECT_EQ(rcode_name(5), "REFUSED");
  EXPECT_EQ(rcode_name(9), "");
  EXPECT_EQ(rcode_name(-1), "");
}

// --- answers

TEST(WireAnswers, MatchingReply) {
  const Bytes reply = reply_to("example.com", kTypeA).build();
  EXPECT_TRUE(answers(reply, kId, "example.com", RecordType::a));
  EXPECT_TRUE(answers(reply, kId, "example.com.", RecordType::a));
  EXPECT_TRUE(answers(reply, kId, "EXAMPLE.Com", RecordType::a));
  EXPECT_TRUE(answers(reply_to("ExAmPlE.CoM", kTypeA).build(), kId, "example.com", RecordType::a));
}

TEST(WireAnswers, RejectsOtherMessages) {
  const Bytes reply = reply_to("example.com", kTypeA).build();
  EXPECT_FALSE(answers(reply, kId + 1, "example.com", RecordType::a)) << "ID";
  EXPECT_FALSE(answers(reply, kId, "example.com", RecordType::aaaa)) << "type";
  EXPECT_FALSE(answers(reply, kId, "example.org", RecordType::a)) << "name";
  EXPECT_FALSE(answers(reply, kId, "www.example.com", RecordType::a)) << "name";
  EXPECT_FALSE(answers(reply, kId, "a..b", RecordType::a)) << "invalid name";

  Response query = reply_to("example.com", kTypeA);
  query.flags_high = 0x01;  // QR clear
  EXPECT_FALSE(answers(query.build(), kId, "example.com", RecordType::a)) << "QR";

  Response notify = reply_to("example.com", kTypeA);
  notify.flags_high = 0x80 | (4 << 3);  // opcode NOTIFY
  EXPECT_FALSE(answers(notify.build(), kId, "example.com", RecordType::a)) << "opcode";

  Response two = reply_to("example.com", kTypeA);
  two.question("example.com", kTypeA);
  EXPECT_FALSE(answers(two.build(), kId, "example.com", RecordType::a)) << "two questions";

  EXPECT_FALSE(answers(Response{}.build(), kId, "example.com", RecordType::a)) << "no question";
  const Bytes chaos = Response{}.question("example.com", kTypeA, 3).build();
  EXPECT_FALSE(answers(chaos, kId, "example.com", RecordType::a)) << "class CH";

  for (std::size_t size = 0; size < reply.size(); ++size) {
    const Bytes cut(reply.begin(), reply.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_FALSE(answers(cut, kId, "example.com", RecordType::a)) << "cut at " << size;
  }
}

TEST(WireAnswers, LabelWithADotIsNotTwoLabels) {
  Response reply;
  reply.questions = Bytes{11} + bytes("example.com") + Bytes{0} + u16(kTypeA) + u16(1);
  reply.question_count = 1;
  EXPECT_FALSE(answers(reply.build(), kId, "example.com", RecordType::a));
  Response dotted;
  dotted.questions = encode_name("example") + u16(kTypeA) + u16(1);
  dotted.questions.insert(dotted.questions.begin() + 8, {4, 'c', 'o', 'm', '.'});
  dotted.question_count = 1;
  EXPECT_FALSE(answers(dotted.build(), kId, "example.com", RecordType::a)) << "label \"com.\"";
}

// --- parse_answer: records

TEST(WireParse, AddressRecords) {
  const Bytes a = reply_to("example.com", kTypeA)
                      .answer(pointer(kQuestionName), kTypeA, {192, 0, 2, 1})
                      .answer(pointer(kQuestionName), kTypeA, {192, 0, 2, 2})
                      .build();
  auto v4 = parse(a, "example.com", RecordType::a);
  ASSERT_TRUE(v4) << v4.error().message;
  EXPECT_EQ(v4->kind, AnswerKind::records);
  ASSERT_EQ(v4->addresses.size(), 2U);
  EXPECT_EQ(v4->addresses[0].to_string(), "192.0.2.1");
  EXPECT_EQ(v4->addresses[1].to_string(), "192.0.2.2");

  Bytes v6_data(16, 0);
  v6_data[0] = 0x20;
  v6_data[1] = 0x01;
  v6_data[2] = 0x0d;
  v6_data[3] = 0xb8;
  v6_data[15] = 1;
  Bytes other = v6_data;
  other[15] = 2;
  const Bytes aaaa = reply_to("example.com", kTypeAaaa)
                         .answer(encode_name("EXAMPLE.com"), kTypeAaaa, v6_data)
                         .answer(pointer(kQuestionName), kTypeAaaa, other)
                         .build();
  auto v6 = parse(aaaa, "example.com.", RecordType::aaaa);
  ASSERT_TRUE(v6) << v6.error().message;
  ASSERT_EQ(v6->addresses.size(), 2U);
  EXPECT_EQ(v6->addresses[0].to_string(), "2001:db8::1");
  EXPECT_EQ(v6->addresses[1].to_string(), "2001:db8::2");
}

TEST(WireParse, TxtStringsJoinedRecordsApart) {
  const Bytes message = reply_to("example.com", kTypeTxt)
                            .answer(pointer(kQuestionName), kTypeTxt,
                                    character_string("v=spf1 ") + character_string("mx -all"))
                            .answer(pointer(kQuestionName), kTypeTxt, character_string("other"))
                            .answer(pointer(kQuestionName), kTypeTxt, character_string(""))
                            .build();
  auto answer = parse(message, "example.com", RecordType::txt);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->texts, (std::vector<std::string>{"v=spf1 mx -all", "other", ""}));
}

TEST(WireParse, MxCompressedAndNull) {
  Response response = reply_to("example.com", kTypeMx);
  response.answer(pointer(kQuestionName), kTypeMx,
                  u16(10) + Bytes{4, 'M', 'a', 'i', 'l'} + pointer(kQuestionName));
  response.answer(pointer(kQuestionName), kTypeMx, u16(20) + encode_name("mx.example.net"));
  response.answer(pointer(kQuestionName), kTypeMx, u16(0) + Bytes{0});
  auto answer = parse(response.build(), "example.com", RecordType::mx);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->exchanges,
            (std::vector<MxRecord>{{10, "Mail.example.com"}, {20, "mx.example.net"}, {0, ""}}));
}

TEST(WireParse, Ptr) {
  const std::string name = "1.2.0.192.in-addr.arpa";
  const Bytes message =
      reply_to(name, kTypePtr)
          .answer(pointer(kQuestionName), kTypePtr, encode_name("mail.example.com"))
          .answer(pointer(kQuestionName), kTypePtr, encode_name("a\\.b.example"))
          .build();
  auto answer = parse(message, name, RecordType::ptr);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->names, (std::vector<std::string>{"mail.example.com", "a\\.b.example"}));
}

TEST(WireParse, DotInsideALabelIsKept) {
  // RFC 2181 §11: any octet; the text keeps the '.' as it is.
  const Bytes target = Bytes{3, 'a', '.', 'b'} + encode_name("example");
  const Bytes message =
      reply_to("x.example", kTypePtr).answer(pointer(kQuestionName), kTypePtr, target).build();
  auto answer = parse(message, "x.example", RecordType::ptr);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->names, (std::vector<std::string>{"a.b.example"}));
}

TEST(WireParse, FollowsCnameChain) {
  Response response = reply_to("www.example.com", kTypeA);
  const std::uint16_t alias = response.next_offset() + 2 + 10;  // owner pointer, fixed fields
  response.answer(pointer(kQuestionName), kTypeCname, encode_name("Alias.example.net"));
  response.answer(encode_name("ALIAS.example.net"), kTypeCname,
                  Bytes{5, 'f', 'i', 'n', 'a', 'l'} + pointer(alias + 6));
  response.answer(encode_name("www.example.com"), kTypeA, {198, 51, 100, 9});  // not the end
  response.answer(encode_name("unrelated.example"), kTypeA, {203, 0, 113, 1});
  response.answer(encode_name("final.example.net"), kTypeA, {192, 0, 2, 7});
  response.answer(encode_name("Final.Example.NET"), kTypeA, {192, 0, 2, 8});
  auto answer = parse(response.build(), "www.example.com", RecordType::a);
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->addresses.size(), 2U);
  EXPECT_EQ(answer->addresses[0].to_string(), "192.0.2.7");
  EXPECT_EQ(answer->addresses[1].to_string(), "192.0.2.8");
}

TEST(WireParse, CnameToNothingIsNodata) {
  const Bytes message =
      reply_to("www.example.com", kTypeA)
          .answer(pointer(kQuestionName), kTypeCname, encode_name("elsewhere.example"))
          .build();
  auto answer = parse(message, "www.example.com", RecordType::a);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->kind, AnswerKind::nodata);
}

TEST(WireParse, CnameLoopAndLongChain) {
  const Bytes loop = reply_to("a.example", kTypeA)
                         .answer(encode_name("a.example"), kTypeCname, encode_name("b.example"))
                         .answer(encode_name("b.example"), kTypeCname, encode_name("a.example"))
                         .build();
  expect_temporary(parse(loop, "a.example", RecordType::a), "CNAME");

  auto chain = [](int links) {
    Response response = reply_to("n0.example", kTypeA);
    for (int i = 0; i < links; ++i) {
      response.answer(encode_name("n" + std::to_string(i) + ".example"), kTypeCname,
                      encode_name("n" + std::to_string(i + 1) + ".example"));
    }
    response.answer(encode_name("n" + std::to_string(links) + ".example"), kTypeA, {192, 0, 2, 1});
    return response.build();
  };
  auto sixteen = parse(chain(16), "n0.example", RecordType::a);
  ASSERT_TRUE(sixteen) << sixteen.error().message;
  EXPECT_EQ(sixteen->addresses.size(), 1U);
  expect_temporary(parse(chain(17), "n0.example", RecordType::a), "CNAME");
}

TEST(WireParse, OtherClassesAndTypesIgnored) {
  const Bytes message = reply_to("example.com", kTypeTxt)
                            .answer(pointer(kQuestionName), kTypeTxt, character_string("chaos"), 3)
                            .answer(pointer(kQuestionName), 46, Bytes{1, 2, 3})  // an RRSIG
                            .answer(pointer(kQuestionName), kTypeTxt, character_string("in"))
                            .build();
  auto answer = parse(message, "example.com", RecordType::txt);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->texts, (std::vector<std::string>{"in"}));
}

TEST(WireParse, MaxRecordsKept) {
  Response response = reply_to("example.com", kTypeA);
  for (std::uint8_t i = 1; i <= 5; ++i) {
    response.answer(pointer(kQuestionName), kTypeA, {192, 0, 2, i});
  }
  auto three = parse(response.build(), "example.com", RecordType::a, 3);
  ASSERT_TRUE(three) << three.error().message;
  ASSERT_EQ(three->addresses.size(), 3U);
  EXPECT_EQ(three->addresses[2].to_string(), "192.0.2.3");
  auto none = parse(response.build(), "example.com", RecordType::a, 0);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->kind, AnswerKind::nodata);
}

// --- parse_answer: RCODEs

TEST(WireParse, NxdomainAndNodata) {
  auto nx = parse(reply_to("nx.example", kTypeA).rcode(3).build(), "nx.example", RecordType::a);
  ASSERT_TRUE(nx);
  EXPECT_EQ(nx->kind, AnswerKind::nxdomain);

  auto nodata = parse(reply_to("example.com", kTypeMx).build(), "example.com", RecordType::mx);
  ASSERT_TRUE(nodata);
  EXPECT_EQ(nodata->kind, AnswerKind::nodata);
  EXPECT_TRUE(nodata->exchanges.empty());

  // A record of another type at the name: still no MX.
  const Bytes txt_only = reply_to("example.com", kTypeMx)
                             .answer(pointer(kQuestionName), kTypeTxt, character_string("x"))
                             .build();
  auto other = parse(txt_only, "example.com", RecordType::mx);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->kind, AnswerKind::nodata);
}

TEST(WireParse, ServerErrorsAreTemporary) {
  expect_temporary(
      parse(reply_to("example.com", kTypeA).rcode(2).build(), "example.com", RecordType::a),
      "SERVFAIL");
  expect_temporary(
      parse(reply_to("example.com", kTypeA).rcode(5).build(), "example.com", RecordType::a),
      "REFUSED");
  expect_temporary(
      parse(reply_to("example.com", kTypeA).rcode(1).build(), "example.com", RecordType::a),
      "FORMERR");
  expect_temporary(
      parse(reply_to("example.com", kTypeA).rcode(4).build(), "example.com", RecordType::a),
      "NOTIMP");
  expect_temporary(
      parse(reply_to("example.com", kTypeA).rcode(9).build(), "example.com", RecordType::a),
      "RCODE 9");
}

TEST(WireParse, CnameAndInvalidNameRefused) {
  const Bytes message = reply_to("example.com", kTypeCname).build();
  auto cname = parse(message, "example.com", RecordType::cname);
  ASSERT_FALSE(cname);
  EXPECT_EQ(cname.error().kind, ErrorKind::internal);
  auto invalid = parse(message, "a..com", RecordType::a);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().kind, ErrorKind::parse);
}

// --- parse_answer: malformed responses

TEST(WireParse, MalformedRecordData) {
  struct Case {
    const char* what;
    RecordType type;
    std::uint16_t wire_type;
    Bytes rdata;
  };
  const std::vector<Case> cases = {
      {"A of 5 octets", RecordType::a, kTypeA, {192, 0, 2, 1, 0}},
      {"A of 3 octets", RecordType::a, kTypeA, {192, 0, 2}},
      {"AAAA of 4 octets", RecordType::aaaa, kTypeAaaa, {192, 0, 2, 1}},
      {"TXT string past RDATA", RecordType::txt, kTypeTxt, Bytes{5, 'a', 'b'}},
      {"TXT second string past RDATA", RecordType::txt, kTypeTxt, Bytes{1, 'a', 2, 'b'}},
      {"empty TXT", RecordType::txt, kTypeTxt, {}},
      {"MX without a name", RecordType::mx, kTypeMx, u16(10)},
      {"MX of one octet", RecordType::mx, kTypeMx, {0}},
      {"MX name past RDATA", RecordType::mx, kTypeMx, u16(10) + Bytes{4, 'm', 'a'}},
      {"MX with trailing octets", RecordType::mx, kTypeMx, u16(10) + Bytes{0, 0}},
      {"PTR label of 64", RecordType::ptr, kTypePtr, Bytes{64} + Bytes(64, 'x') + Bytes{0}},
      {"PTR label type 0x80", RecordType::ptr, kTypePtr, Bytes{0x80, 0}},
      {"PTR pointer forward", RecordType::ptr, kTypePtr, pointer(0x3000)},
      {"PTR pointer into the header", RecordType::ptr, kTypePtr, pointer(4)},
      {"PTR half a pointer", RecordType::ptr, kTypePtr, Bytes{0xC0}},
      {"PTR without its root", RecordType::ptr, kTypePtr, Bytes{3, 'a', 'b', 'c'}},
  };
  for (const Case& c : cases) {
    const Bytes message = reply_to("example.com", c.wire_type)
                              .answer(pointer(kQuestionName), c.wire_type, c.rdata)
                              .build();
    SCOPED_TRACE(c.what);
    expect_temporary(parse(message, "example.com", c.type), "malformed DNS answer");
  }
}

TEST(WireParse, RecordsPastTheEnd) {
  const Bytes good = reply_to("example.com", kTypeA)
                         .answer(pointer(kQuestionName), kTypeA, {192, 0, 2, 1})
                         .build();
  for (std::size_t size = 12; size < good.size(); ++size) {
    const Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size));
    SCOPED_TRACE(size);
    expect_temporary(parse(cut, "example.com", RecordType::a), "malformed DNS answer");
  }
  expect_temporary(parse(Bytes(11, 0), "example.com", RecordType::a), "malformed DNS answer");

  Bytes long_rdata = good;
  long_rdata[long_rdata.size() - 5] = 5;  // RDLENGTH 5 with 4 octets left
  expect_temporary(parse(long_rdata, "example.com", RecordType::a), "RDATA runs past the end");

  Response more = reply_to("example.com", kTypeA);
  more.answer(pointer(kQuestionName), kTypeA, {192, 0, 2, 1});
  more.answer_count = 2;  // ANCOUNT says two
  expect_temporary(parse(more.build(), "example.com", RecordType::a), "malformed DNS answer");
}

TEST(WireParse, PointerLoops) {
  // An owner that points at itself, and two that point at each other.
  Response self = reply_to("example.com", kTypeA);
  self.answer(pointer(self.next_offset()), kTypeA, {192, 0, 2, 1});
  expect_temporary(parse(self.build(), "example.com", RecordType::a), "owner name");

  Response pair = reply_to("example.com", kTypeA);
  const std::uint16_t first = pair.next_offset();
  pair.answer(pointer(first + 16), kTypeA, {192, 0, 2, 1});  // forward, to the next owner
  pair.answer(pointer(first), kTypeA, {192, 0, 2, 2});
  expect_temporary(parse(pair.build(), "example.com", RecordType::a), "owner name");
}

// A PTR whose name reaches "a" through `jumps` backward pointers.
Bytes pointer_chain(int jumps) {
  Response response = reply_to("example.com", kTypePtr);
  const std::uint16_t rdata = response.next_offset() + 2 + 10;
  Bytes chain = encode_name("a");
  for (int i = 1; i < jumps; ++i) {
    const auto previous = static_cast<std::uint16_t>(i == 1 ? rdata : rdata + 3 + 2 * (i - 2));
    chain = chain + pointer(previous);
  }
  response.answer(pointer(kQuestionName), 99, chain);  // a type nobody reads
  const auto last = static_cast<std::uint16_t>(jumps == 1 ? rdata : rdata + 3 + 2 * (jumps - 2));
  response.answer(pointer(kQuestionName), kTypePtr, pointer(last));
  return response.build();
}

TEST(WireParse, AtMost64PointerJumps) {
  auto sixty_four = parse(pointer_chain(64), "example.com", RecordType::ptr);
  ASSERT_TRUE(sixty_four) << sixty_four.error().message;
  EXPECT_EQ(sixty_four->names, (std::vector<std::string>{"a"}));
  expect_temporary(parse(pointer_chain(65), "example.com", RecordType::ptr), "bad PTR");
}

TEST(WireParse, NameOfAtMost255Octets) {
  const std::string label(63, 'x');
  const std::string longest = label + "." + label + "." + label + "." + std::string(61, 'y');
  const Bytes fits = reply_to("example.com", kTypePtr)
                         .answer(pointer(kQuestionName), kTypePtr, encode_name(longest))
                         .build();
  auto answer = parse(fits, "example.com", RecordType::ptr);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->names, (std::vector<std::string>{longest}));

  const Bytes too_long = reply_to("example.com", kTypePtr)
                             .answer(pointer(kQuestionName), kTypePtr, encode_name(longest + "y"))
                             .build();
  expect_temporary(parse(too_long, "example.com", RecordType::ptr), "bad PTR");
}

TEST(WireParse, AuthorityAndAdditionalNotRead) {
  Bytes message = reply_to("example.com", kTypeA)
                      .answer(pointer(kQuestionName), kTypeA, {192, 0, 2, 1})
                      .build();
  message[9] = 1;                                           // NSCOUNT 1,
  message[11] = 1;                                          // ARCOUNT 1,
  message.insert(message.end(), {0xC0, 0xFF, 0xFF, 0xFF});  // and garbage for them
  auto answer = parse(message, "example.com", RecordType::a);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->addresses.size(), 1U);
}

}  // namespace
}  // namespace mailroom::dns::wire
