// The report XML out of an attachment (received.hpp): gzip through zlib's
// inflate, zip read from its central directory (PKWARE APPNOTE 4.3), each
// with the output bounded as it grows.
#include <zlib.h>

#include <cstdint>
#include <cstring>

#include "mailroom/dmarc_report/received.hpp"

namespace mailroom::dmarc_report {
namespace {

std::uint32_t le16(std::string_view d, std::size_t at) {
  return static_cast<unsigned char>(d[at]) | static_cast<unsigned char>(d[at + 1]) << 8;
}
std::uint32_t le32(std::string_view d, std::size_t at) {
  return le16(d, at) | le16(d, at + 2) << 16;
}

// windowBits: 15 + 32 reads zlib or gzip headers, -15 raw deflate (zip).
Result<std::string> inflate_bounded(std::string_view in, int window_bits, std::size_t max_out) {
  z_stream stream{};
  if (inflateInit2(&stream, window_bits) != Z_OK)
    return fail(ErrorKind::internal, "zlib inflateInit2 failed");
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  char buffer[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_out) {
      inflateEnd(&stream);
      return fail(ErrorKind::limit,
                  "the report inflates past " + std::to_string(max_out) + " bytes: refused");
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated input
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return fail(ErrorKind::parse, "damaged compressed data");
  return out;
}

bool ends_with_xml(std::string_view name) {
  if (name.size() < 4) return false;
  auto ext = name.substr(name.size() - 4);
  return ext[0] == '.' && (ext[1] | 0x20) == 'x' && (ext[2] | 0x20) == 'm' &&
         (ext[3] | 0x20) == 'l';
}

// The end of central directory record: the last "PK\5\6" in the final
// 64 KiB + 22 bytes (the comment is at most 65535).
std::size_t find_end_record(std::string_view zip) {
  if (zip.size() < 22) return std::string_view::npos;
  std::size_t lowest = zip.size() > 65557 ? zip.size() - 65557 : 0;
  for (std::size_t at = zip.size() - 22 + 1; at-- > lowest;)
    if (zip.compare(at, 4, "PK\x05\x06") == 0) return at;
  return std::string_view::npos;
}

Result<std::string> zip_entry(std::string_view zip, std::size_t header, std::uint32_t method,
                              std::uint64_t compressed, const ReceivedLimits& limits) {
  if (header + 30 > zip.size() || zip.compare(header, 4, "PK\x03\x04") != 0)
    return fail(ErrorKind::parse, "zip: bad local header offset");
  std::size_t data = header + 30 + le16(zip, header + 26) + le16(zip, header + 28);
  if (data > zip.size() || compressed > zip.size() - data)
    return fail(ErrorKind::parse, "zip: entry runs past the archive");
  auto bytes = zip.substr(data, compressed);
  if (method == 0) {
    if (bytes.size() > limits.max_xml_bytes) return fail(ErrorKind::parse, "zip: entry too large");
    return std::string(bytes);
  }
  if (method == 8) return inflate_bounded(bytes, -15, limits.max_xml_bytes);
  return fail(ErrorKind::parse, "zip: compression method " + std::to_string(method) + " not read");
}

Result<std::string> unzip(std::string_view zip, const ReceivedLimits& limits) {
  auto end = find_end_record(zip);
  if (end == std::string_view::npos) return fail(ErrorKind::parse, "zip: no end record");
  std::uint32_t entries = le16(zip, end + 10);
  std::size_t at = le32(zip, end + 16);
  for (std::uint32_t i = 0; i < entries && i < limits.max_entries; ++i) {
    if (at + 46 > zip.size() || zip.compare(at, 4, "PK\x01\x02") != 0)
      return fail(ErrorKind::parse, "zip: bad central directory");
    const std::uint32_t flags = le16(zip, at + 8);
    const std::uint32_t method = le16(zip, at + 10);
    const std::uint64_t compressed = le32(zip, at + 20);
    const std::size_t name_len = le16(zip, at + 28);
    const std::size_t skip = name_len + le16(zip, at + 30) + le16(zip, at + 32);
    if (at + 46 + name_len > zip.size()) return fail(ErrorKind::parse, "zip: name past the end");
    // The name only picks the entry; it is never a path (no extraction).
    auto name = zip.substr(at + 46, name_len);
    if (ends_with_xml(name)) {
      if ((flags & 1U) != 0) return fail(ErrorKind::parse, "zip: encrypted entry");
      return zip_entry(zip, le32(zip, at + 42), method, compressed, limits);
    }
    at += 46 + skip;
  }
  return fail(ErrorKind::parse, "zip: no .xml entry");
}

}  // namespace

Result<std::string> report_xml(std::string_view attachment, const ReceivedLimits& limits) {
  if (attachment.size() >= 2 && static_cast<unsigned char>(attachment[0]) == 0x1f &&
      static_cast<unsigned char>(attachment[1]) == 0x8b)
    return inflate_bounded(attachment, 15 + 32, limits.max_xml_bytes);
  if (attachment.starts_with("PK\x03\x04") || attachment.starts_with("PK\x05\x06"))
    return unzip(attachment, limits);
  std::size_t start = attachment.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (start < attachment.size() && (attachment[start] == ' ' || attachment[start] == '\n' ||
                                       attachment[start] == '\r' || attachment[start] == '\t'))
    ++start;
  if (start < attachment.size() && attachment[start] == '<') {
    if (attachment.size() > limits.max_xml_bytes)
      return fail(ErrorKind::parse, "the report is larger than the limit");
    return std::string(attachment);
  }
  return fail(ErrorKind::data, "neither gzip, zip nor XML");
}

}  // namespace mailroom::dmarc_report
