// RFC 3501 section 5.1.3 through ICU's "IMAP-mailbox-name" converter (an
// algorithmic one: it needs no table from ICU's data). ICU decodes what it
// can read; a name is taken only in its one canonical spelling, the one
// ICU's encoder writes back (so "&AGE-" for "a", two adjacent runs, or set
// padding bits are refused: each would be a second directory for one name).
#include "mailroom/maildir/modified_utf7.hpp"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <memory>

namespace mailroom::maildir {
namespace {

struct CloseConverter {
  void operator()(UConverter* cnv) const noexcept { ucnv_close(cnv); }
};
using Converter = std::unique_ptr<UConverter, CloseConverter>;

// A converter that stops at the first byte or code point it cannot convert
// (ICU substitutes by default).
Result<Converter> open_imap_converter() {
  UErrorCode err = U_ZERO_ERROR;
  Converter cnv(ucnv_open("IMAP-mailbox-name", &err));
  if (U_FAILURE(err)) return fail(ErrorKind::internal, "ICU: no IMAP-mailbox-name converter");
  ucnv_setToUCallBack(cnv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
  ucnv_setFromUCallBack(cnv.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &err);
  if (U_FAILURE(err)) return fail(ErrorKind::internal, "ICU: cannot set converter callbacks");
  return cnv;
}

// Preflight, then convert: the two-call form every ICU conversion has.
template <typename Char, typename Convert>
bool convert(std::basic_string<Char>& out, Convert&& call) {
  UErrorCode err = U_ZERO_ERROR;
  const int32_t length = call(static_cast<Char*>(nullptr), 0, &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) return false;
  out.resize(static_cast<std::size_t>(length));
  err = U_ZERO_ERROR;
  call(out.data(), length, &err);
  return U_SUCCESS(err);
}

bool utf8_to_utf16(std::string_view utf8, std::u16string& utf16) {
  const auto size = static_cast<int32_t>(utf8.size());
  return convert(utf16, [&](char16_t* dst, int32_t cap, UErrorCode* err) {
    int32_t n = 0;
    u_strFromUTF8(dst, cap, &n, utf8.data(), size, err);  // strict: RFC 3629
    return n;
  });
}

bool utf16_to_utf8(const std::u16string& utf16, std::string& utf8) {
  const auto size = static_cast<int32_t>(utf16.size());
  return convert(utf8, [&](char* dst, int32_t cap, UErrorCode* err) {
    int32_t n = 0;
    u_strToUTF8(dst, cap, &n, utf16.data(), size, err);  // refuses lone surrogates
    return n;
  });
}

Result<std::string> encode(UConverter* cnv, const std::u16string& utf16) {
  std::string out;
  const auto size = static_cast<int32_t>(utf16.size());
  const bool ok = convert(out, [&](char* dst, int32_t cap, UErrorCode* err) {
    return ucnv_fromUChars(cnv, dst, cap, utf16.data(), size, err);
  });
  if (!ok) return fail(ErrorKind::parse, "modified UTF-7: cannot encode");
  return out;
}

// Printable ASCII stands for itself (RFC 3501 section 5.1.3), "&" as "&-":
// most folder names ("Lists", "Junk") need no converter. Opening one costs
// a delivery 8-9 page faults (ICU's alias table and set-up), measured.
bool is_printable_ascii(std::string_view text) noexcept {
  for (const char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string escape_ampersands(std::string_view ascii) {
  std::string out;
  out.reserve(ascii.size());
  for (const char c : ascii) out += c == '&' ? std::string_view("&-") : std::string_view(&c, 1);
  return out;
}

}  // namespace

Result<std::string> utf8_to_modified_utf7(std::string_view utf8) {
  if (is_printable_ascii(utf8)) return escape_ampersands(utf8);
  std::u16string utf16;
  if (!utf8_to_utf16(utf8, utf16)) return fail(ErrorKind::parse, "invalid UTF-8");
  auto cnv = open_imap_converter();
  if (!cnv) return tl::unexpected(cnv.error());
  return encode(cnv->get(), utf16);
}

Result<std::string> modified_utf7_to_utf8(std::string_view mutf7) {
  if (is_printable_ascii(mutf7) && mutf7.find('&') == std::string_view::npos) {
    return std::string(mutf7);
  }
  auto cnv = open_imap_converter();
  if (!cnv) return tl::unexpected(cnv.error());
  std::u16string utf16;
  const auto size = static_cast<int32_t>(mutf7.size());
  const bool ok = convert(utf16, [&](char16_t* dst, int32_t cap, UErrorCode* err) {
    return ucnv_toUChars(cnv->get(), dst, cap, mutf7.data(), size, err);
  });
  std::string utf8;
  if (!ok || !utf16_to_utf8(utf16, utf8)) {
    return fail(ErrorKind::parse, "modified UTF-7: invalid (RFC 3501 section 5.1.3)");
  }
  ucnv_reset(cnv->get());
  auto canonical = encode(cnv->get(), utf16);
  if (!canonical || *canonical != mutf7) {
    return fail(ErrorKind::parse, "modified UTF-7: not the canonical spelling of its name");
  }
  return utf8;
}

}  // namespace mailroom::maildir
