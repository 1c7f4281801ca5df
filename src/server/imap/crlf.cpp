#include "server/imap/crlf.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mailroom::server::imap {
namespace {

// Whether the LF at `at` needs a CR before it.
bool bare(std::string_view text, std::size_t at) { return at == 0 || text[at - 1] != '\r'; }

// Calls found(at) for every LF of text, in order.
template <class Found>
void each_lf(std::string_view text, Found found) {
  std::size_t i = 0;
#if defined(__SSE2__)
  // A 16-bit mask of the LFs in each 16 octets: lines of text are ~70
  // octets, so most blocks have none and cost a compare.
  const __m128i lf = _mm_set1_epi8('\n');
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, lf)));
    for (; mask != 0; mask &= mask - 1) found(i + static_cast<std::size_t>(__builtin_ctz(mask)));
  }
#endif
  for (; i < text.size(); ++i)
    if (text[i] == '\n') found(i);
}

}  // namespace

std::size_t crlf_size(std::string_view text) {
  std::size_t size = text.size();
  each_lf(text, [&](std::size_t at) { size += bare(text, at) ? 1 : 0; });
  return size;
}

void append_crlf(std::string& out, std::string_view text) {
  append_crlf(out, text, crlf_size(text));
}

void append_crlf(std::string& out, std::string_view text, std::size_t size) {
  const std::size_t start = out.size();
  out.resize(start + size);
  char* to = out.data() + start;
  std::size_t from = 0;  // the first octet not copied yet
  each_lf(text, [&](std::size_t at) {
    std::memcpy(to, text.data() + from, at - from);
    to += at - from;
    if (bare(text, at)) *to++ = '\r';
    *to++ = '\n';
    from = at + 1;
  });
  std::memcpy(to, text.data() + from, text.size() - from);
}

std::string to_crlf(std::string_view text) {
  std::string out;
  append_crlf(out, text);
  return out;
}

}  // namespace mailroom::server::imap
