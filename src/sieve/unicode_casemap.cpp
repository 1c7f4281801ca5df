#include "sieve/unicode_casemap.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace mailroom::sieve {
namespace {

// The titlecased run, decomposed (NFKD), appended to `out` as UTF-8.
void flush(icu::UnicodeString& run, std::string& out) {
  if (run.isEmpty()) return;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  if (U_SUCCESS(status)) {
    icu::UnicodeString decomposed = nfkd->normalize(run, status);
    if (U_SUCCESS(status)) run = decomposed;
  }
  run.toUTF8String(out);
  run.remove();
}

}  // namespace

std::string unicode_casemap(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  icu::UnicodeString run;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      flush(run, out);
      out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
      continue;
    }
    run.append(u_totitle(c));
  }
  flush(run, out);
  return out;
}

}  // namespace mailroom::sieve
