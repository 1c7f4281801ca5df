// The domain of an envelope or header address: what follows the last "@",
// or the whole text when there is none (a bare domain, as SPF's HELO
// identity and a MAIL FROM without local part are).
#pragma once

#include <string_view>

namespace mailroom::auth {

inline std::string_view domain_part(std::string_view address) {
  auto at = address.rfind('@');
  return at == std::string_view::npos ? address : address.substr(at + 1);
}

}  // namespace mailroom::auth
