// IDN domains through libidn2: IDNA2008 (RFC 5891) with the UTS #46
// mapping, non-transitional (so "ß" stays "ß", as in today's browsers and
// registries). An all-ASCII name without an "xn--" label needs none of it
// (RFC 5890 §2.3.1: an LDH label is its own A-label) and is only
// lower-cased here, so an ordinary delivery never touches libidn2's or
// libunistring's tables.
#include <idn2.h>

#include <cstdlib>
#include <memory>

#include "mailroom/message/address.hpp"
#include "mailroom/message/charset.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::message {
namespace {

constexpr std::size_t kMaxLabel = 63;  // RFC 1035 §2.3.4

struct FreeIdn2 {
  void operator()(char* p) const noexcept { idn2_free(p); }
};
using Idn2String = std::unique_ptr<char, FreeIdn2>;

// True when `domain` is ASCII and has no label starting "xn--" (any case):
// then it is already in its A-label form.
bool is_plain_ascii(std::string_view domain) noexcept {
  for (std::size_t i = 0; i < domain.size(); ++i) {
    if (static_cast<unsigned char>(domain[i]) >= 0x80) return false;
    const bool label_start = i == 0 || domain[i - 1] == '.';
    if (label_start && domain.size() - i >= 4 && ascii_lower(domain[i]) == 'x' &&
        ascii_lower(domain[i + 1]) == 'n' && domain[i + 2] == '-' && domain[i + 3] == '-') {
      return false;
    }
  }
  return true;
}

std::optional<std::string> lower_checked(std::string_view domain) {
  std::string out;
  out.reserve(domain.size());
  std::size_t label = 0;
  for (const char c : domain) {
    label = c == '.' ? 0 : label + 1;
    if (label > kMaxLabel) return std::nullopt;
    out.push_back(ascii_lower(c));
  }
  return out;
}

// UTS #46 §4 processing and RFC 5891 §4 checks, then Punycode: the
// lookup form of `domain`. libidn2 reads NUL-terminated strings.
std::optional<std::string> idn2_lookup(const std::string& domain) {
  char* out = nullptr;
  const int rc =
      idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(domain.c_str()),
                     reinterpret_cast<std::uint8_t**>(&out), IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  const Idn2String owned(out);
  if (rc != IDN2_OK || owned == nullptr) return std::nullopt;
  return std::string(owned.get());
}

}  // namespace

std::optional<std::string> domain_to_ascii(std::string_view domain) {
  if (is_plain_ascii(domain)) return lower_checked(domain);
  if (domain.find('\0') != std::string_view::npos || !is_valid_utf8(domain)) return std::nullopt;
  return idn2_lookup(std::string(domain));
}

std::optional<std::string> domain_to_unicode(std::string_view domain) {
  if (is_plain_ascii(domain)) {
    if (!lower_checked(domain)) return std::nullopt;
    return std::string(domain);
  }
  // idn2_to_unicode only decodes Punycode; UTS #46 §4 step 4 also wants each
  // decoded label valid ("xn--a" decodes to the control U+0080), which the
  // lookup checks.
  if (!domain_to_ascii(domain)) return std::nullopt;
  const std::string input(domain);
  char* out = nullptr;
  const int rc = idn2_to_unicode_8z8z(input.c_str(), &out, 0);
  const Idn2String owned(out);
  if (rc != IDN2_OK || owned == nullptr) return std::nullopt;
  return std::string(owned.get());
}

}  // namespace mailroom::message
