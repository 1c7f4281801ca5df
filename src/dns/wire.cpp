#include "dns/wire.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include "mailroom/util/text.hpp"

namespace mailroom::dns::wire {
namespace {

constexpr std::size_t kHeaderSize = 12;        // RFC 1035 §4.1.1
constexpr std::size_t kAnswerCountOffset = 6;  // ANCOUNT, after ID, flags and QDCOUNT
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kTypeOpt = 41;  // RFC 6891 §6.1.1
constexpr auto kTypeCname = static_cast<std::uint16_t>(RecordType::cname);
constexpr std::uint8_t kFlagRecursionDesired = 0x01;  // RD, low bit of the third octet
constexpr int kRcodeNoError = 0;
constexpr int kRcodeNxdomain = 3;
constexpr int kMaxCnameLinks = 16;
constexpr int kMaxPointerJumps = 64;
constexpr std::size_t kMaxNameOctets = 255;  // RFC 1035 §2.3.4, length octets included
constexpr std::size_t kMaxLabelOctets = 63;
constexpr std::uint8_t kPointerBits = 0xC0;  // RFC 1035 §4.1.4

tl::unexpected<Error> malformed(std::string_view what) {
  return fail(ErrorKind::temporary, "malformed DNS answer: " + std::string(what));
}

// A read position in a message; every read checks the bounds and moves on.
struct Cursor {
  std::span<const std::uint8_t> message;
  std::size_t offset = 0;

  [[nodiscard]] bool has(std::size_t n) const {
    return offset <= message.size() && message.size() - offset >= n;
  }
  bool skip(std::size_t n) {
    if (!has(n)) return false;
    offset += n;
    return true;
  }
  std::optional<std::uint16_t> read_u16() {
    if (!has(2)) return std::nullopt;
    const auto value = static_cast<std::uint16_t>(message[offset] << 8 | message[offset + 1]);
    offset += 2;
    return value;
  }
  std::optional<std::string> read_name();
};

// A name as its labels, each behind its length octet, without the root's
// zero octet: uncompressed wire form, so that names compare label by label.
// RFC 1035 §4.1.4 pointers are followed only strictly backwards, before the
// labels being read (the name's start, or the last pointer's target): that
// alone rules out loops, and 64 jumps bound the work. A pointer into the
// header cannot name anything. 0x40 and 0x80 (RFC 6891 §5 extended label
// types) are not in use: malformed.
std::optional<std::string> Cursor::read_name() {
  std::string labels;
  std::size_t at = offset;
  std::size_t run_start = offset;
  std::optional<std::size_t> after_first_pointer;
  int jumps = 0;
  while (at < message.size()) {
    const std::uint8_t length = message[at];
    if ((length & kPointerBits) == kPointerBits) {
      if (at + 1 >= message.size()) return std::nullopt;
      const std::size_t target = static_cast<std::size_t>(length & 0x3F) << 8 | message[at + 1];
      if (target >= run_start || target < kHeaderSize || ++jumps > kMaxPointerJumps) {
        return std::nullopt;
      }
      if (!after_first_pointer) after_first_pointer = at + 2;
      at = run_start = target;
    } else if (length == 0) {
      offset = after_first_pointer.value_or(at + 1);
      return labels;
    } else if (length > kMaxLabelOctets || labels.size() + 1 + length + 1 > kMaxNameOctets ||
               message.size() - at - 1 < length) {
      return std::nullopt;
    } else {
      const auto label = message.subspan(at, 1 + length);  // bounds checked just above
      labels.append(label.begin(), label.end());
      at += 1 + length;
    }
  }
  return std::nullopt;
}

// "example.com" or "example.com." as labels; the name must be valid.
std::string labels_of(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string labels;
  while (!name.empty()) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    labels += static_cast<char>(label.size());
    labels += label;
    name.remove_prefix(dot == std::string_view::npos ? name.size() : dot + 1);
  }
  return labels;
}

// Dotted text, the root as "", octets kept as they are (a '.' too).
std::string text_of(std::string_view labels) {
  std::string text;
  while (!labels.empty()) {
    const auto length = static_cast<std::uint8_t>(labels.front());
    if (!text.empty()) text += '.';
    text += labels.substr(1, length);
    labels.remove_prefix(std::min<std::size_t>(labels.size(), 1 + length));
  }
  return text;
}

// RFC 1035 §2.3.3 / RFC 4343: ASCII letters compare without case, other
// octets exactly. Length octets (at most 63) are never letters.
bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

// An answer-section record; its RDATA is message[rdata, rdata + rdlength).
struct Record {
  std::string owner;  // labels
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::size_t rdata = 0;
  std::uint16_t rdlength = 0;
};

Result<std::vector<Record>> read_records(Cursor& cursor, std::uint16_t count) {
  std::vector<Record> records;
  for (std::uint16_t i = 0; i < count; ++i) {
    Record record;
    auto owner = cursor.read_name();
    if (!owner) return malformed("bad owner name in the answer section");
    record.owner = std::move(*owner);
    const auto type = cursor.read_u16();
    const auto rclass = cursor.read_u16();
    const bool ttl = cursor.skip(4);
    const auto rdlength = cursor.read_u16();
    if (!type || !rclass || !ttl || !rdlength) return malformed("record runs past the end");
    record.type = *type;
    record.rclass = *rclass;
    record.rdata = cursor.offset;
    record.rdlength = *rdlength;
    if (!cursor.skip(*rdlength)) return malformed("RDATA runs past the end");
    records.push_back(std::move(record));
  }
  return records;
}

// A name that must fill the RDATA (CNAME, PTR) or end it (MX).
std::optional<std::string> name_ending_rdata(std::span<const std::uint8_t> message,
                                             const Record& record, std::size_t skip) {
  if (skip > record.rdlength) return std::nullopt;
  Cursor cursor{message, record.rdata + skip};
  auto name = cursor.read_name();
  if (!name || cursor.offset != record.rdata + record.rdlength) return std::nullopt;
  return name;
}

// The name whose records answer the question, after its CNAME chain (RFC
// 1034 §3.6.2, §4.3.2 step 3.a).
Result<std::string> follow_cnames(std::span<const std::uint8_t> message,
                                  const std::vector<Record>& records, std::string current) {
  for (int links = 0;; ++links) {
    const Record* alias = nullptr;
    for (const Record& record : records) {
      if (record.type == kTypeCname && record.rclass == kClassIn &&
          same_name(record.owner, current)) {
        alias = &record;
        break;
      }
    }
    if (alias == nullptr) return current;
    if (links == kMaxCnameLinks) {
      return malformed("CNAME chain longer than 16 links, or a loop");
    }
    auto target = name_ending_rdata(message, *alias, 0);
    if (!target) return malformed("bad CNAME target");
    current = std::move(*target);
  }
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> address_of(std::span<const std::uint8_t> rdata) {
  if (rdata.size() != N) return std::nullopt;
  std::array<std::uint8_t, N> bytes{};
  std::copy(rdata.begin(), rdata.end(), bytes.begin());
  return bytes;
}

// RFC 1035 §3.3.14: one or more <character-string>s filling the RDATA.
std::optional<std::string> text_of_txt(std::span<const std::uint8_t> rdata) {
  if (rdata.empty()) return std::nullopt;
  std::string text;
  std::size_t at = 0;
  while (at < rdata.size()) {
    const std::size_t length = rdata[at];
    if (rdata.size() - at - 1 < length) return std::nullopt;
    const auto piece = rdata.subspan(at + 1, length);
    text.append(piece.begin(), piece.end());
    at += 1 + length;
  }
  return text;
}

Status add_record(Answer& answer, std::span<const std::uint8_t> message, const Record& record,
                  RecordType type) {
  const auto rdata = message.subspan(record.rdata, record.rdlength);
  switch (type) {
    case RecordType::a: {
      const auto bytes = address_of<4>(rdata);
      if (!bytes) return malformed("A record is not 4 octets");
      answer.addresses.push_back(IpAddress::v4(*bytes));
      return ok();
    }
    case RecordType::aaaa: {
      const auto bytes = address_of<16>(rdata);
      if (!bytes) return malformed("AAAA record is not 16 octets");
      answer.addresses.push_back(IpAddress::v6(*bytes));
      return ok();
    }
    case RecordType::txt: {
      auto text = text_of_txt(rdata);
      if (!text) return malformed("TXT record is empty or a string runs past its end");
      answer.texts.push_back(std::move(*text));
      return ok();
    }
    case RecordType::mx: {
      Cursor cursor{rdata};
      const auto preference = cursor.read_u16();
      auto exchange = name_ending_rdata(message, record, 2);
      if (!preference || !exchange) return malformed("bad MX record");
      answer.exchanges.push_back(MxRecord{*preference, text_of(*exchange)});
      return ok();
    }
    case RecordType::ptr: {
      auto target = name_ending_rdata(message, record, 0);
      if (!target) return malformed("bad PTR record");
      answer.names.push_back(text_of(*target));
      return ok();
    }
    case RecordType::cname:
      break;
  }
  return fail(ErrorKind::internal, "DNS record type not decoded");
}

Result<Answer> collect(std::span<const std::uint8_t> message, const std::vector<Record>& records,
                       std::string_view owner, RecordType type, std::size_t max_records) {
  Answer answer = Answer::nodata();
  std::size_t kept = 0;
  for (const Record& record : records) {
    if (kept == max_records) break;
    if (record.type != static_cast<std::uint16_t>(type) || record.rclass != kClassIn ||
        !same_name(record.owner, owner)) {
      continue;
    }
    if (auto added = add_record(answer, message, record, type); !added) {
      return tl::unexpected(std::move(added.error()));
    }
    ++kept;
  }
  if (kept > 0) answer.kind = AnswerKind::records;
  return answer;
}

// SERVFAIL, REFUSED...: the server could not answer now (RFC 1035 §4.1.1).
tl::unexpected<Error> server_error(int rcode, std::string_view name, RecordType type) {
  const std::string_view known = rcode_name(rcode);
  const std::string said = known.empty() ? "RCODE " + std::to_string(rcode) : std::string(known);
  return fail(ErrorKind::temporary, "DNS server answered " + said + " for " + std::string(name) +
                                        " " + std::string(to_string(type)));
}

}  // namespace

std::string_view rcode_name(int rcode) {
  constexpr std::array<std::string_view, 6> kNames = {"NOERROR",  "FORMERR", "SERVFAIL",
                                                      "NXDOMAIN", "NOTIMP",  "REFUSED"};
  return rcode >= 0 && rcode < static_cast<int>(kNames.size()) ? kNames[rcode] : "";
}

Result<std::vector<std::uint8_t>> encode_query(std::uint16_t id, std::string_view name,
                                               RecordType type, std::uint16_t edns_payload) {
  if (!is_valid_query_name(name)) {
    return fail(ErrorKind::parse, "not a valid DNS name: " + std::string(name));
  }
  std::vector<std::uint8_t> out;
  // Header, the name's labels (one byte more than the name, a byte for the
  // root), type and class, the OPT record: reserved at once, not regrown
  // byte by byte (each delivery sends several queries).
  out.reserve(kHeaderSize + name.size() + 2 + 4 + 11);
  put_u16(out, id);
  out.push_back(kFlagRecursionDesired);
  out.push_back(0);
  put_u16(out, 1);                         // QDCOUNT
  put_u16(out, 0);                         // ANCOUNT
  put_u16(out, 0);                         // NSCOUNT
  put_u16(out, edns_payload > 0 ? 1 : 0);  // ARCOUNT
  const std::string labels = labels_of(name);
  out.insert(out.end(), labels.begin(), labels.end());
  out.push_back(0);  // the root
  put_u16(out, static_cast<std::uint16_t>(type));
  put_u16(out, kClassIn);
  if (edns_payload > 0) {
    // RFC 6891 §6.1.2: the largest UDP reply we take, in CLASS; TTL 0 is
    // extended RCODE 0, version 0, DO clear (we do not validate DNSSEC).
    out.push_back(0);  // the root owner
    put_u16(out, kTypeOpt);
    put_u16(out, edns_payload);
    put_u16(out, 0);
    put_u16(out, 0);
    put_u16(out, 0);  // RDLENGTH
  }
  return out;
}

std::optional<Header> read_header(std::span<const std::uint8_t> message) {
  if (message.size() < kHeaderSize) return std::nullopt;
  Header header;
  header.id = static_cast<std::uint16_t>(message[0] << 8 | message[1]);
  header.response = (message[2] & 0x80) != 0;
  header.opcode = (message[2] >> 3) & 0x0F;
  header.truncated = (message[2] & 0x02) != 0;
  header.rcode = message[3] & 0x0F;
  header.question_count = static_cast<std::uint16_t>(message[4] << 8 | message[5]);
  return header;
}

bool answers(std::span<const std::uint8_t> message, std::uint16_t id, std::string_view name,
             RecordType type) {
  const auto header = read_header(message);
  if (!header || !header->response || header->opcode != 0 || header->id != id ||
      header->question_count != 1 || !is_valid_query_name(name)) {
    return false;
  }
  Cursor cursor{message, kHeaderSize};
  const auto qname = cursor.read_name();
  const auto qtype = cursor.read_u16();
  const auto qclass = cursor.read_u16();
  return qname && qtype && qclass && same_name(*qname, labels_of(name)) &&
         *qtype == static_cast<std::uint16_t>(type) && *qclass == kClassIn;
}

Result<Answer> parse_answer(std::span<const std::uint8_t> message, std::string_view name,
                            RecordType type, std::size_t max_records) {
  if (type == RecordType::cname) {
    return fail(ErrorKind::internal, "CNAMEs are followed, never asked for");
  }
  if (!is_valid_query_name(name)) {
    return fail(ErrorKind::parse, "not a valid DNS name: " + std::string(name));
  }
  const auto header = read_header(message);
  if (!header) return malformed("shorter than its header");
  if (header->rcode == kRcodeNxdomain) return Answer::nxdomain();
  if (header->rcode != kRcodeNoError) return server_error(header->rcode, name, type);
  Cursor cursor{message, kAnswerCountOffset};
  const std::uint16_t answer_count = cursor.read_u16().value_or(0);  // header checked above
  cursor.offset = kHeaderSize;
  for (std::uint16_t i = 0; i < header->question_count; ++i) {
    if (!cursor.read_name() || !cursor.skip(4)) return malformed("question runs past the end");
  }
  auto records = read_records(cursor, answer_count);
  if (!records) return tl::unexpected(std::move(records.error()));
  auto owner = follow_cnames(message, *records, labels_of(name));
  if (!owner) return tl::unexpected(std::move(owner.error()));
  return collect(message, *records, *owner, type, max_records);
}

}  // namespace mailroom::dns::wire
