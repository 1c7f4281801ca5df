// gzip through zlib's deflate with a gzip wrapper (windowBits 15 + 16).
#include "dmarc_report/gzip.hpp"

#include <zlib.h>

namespace mailroom::dmarc_report {

Result<std::string> gzip(std::string_view data) {
  z_stream stream{};
  constexpr int kGzipWindow = 15 + 16;  // zlib: +16 writes a gzip header and trailer
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return fail(ErrorKind::internal, "zlib deflateInit2 failed");
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return fail(ErrorKind::internal, "zlib deflate did not finish");
  return out;
}

}  // namespace mailroom::dmarc_report
