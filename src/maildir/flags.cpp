// Maildir info "2,<flags>" (cr.yp.to/proto/maildir.html): IMAP system flags
// as upper-case letters, Dovecot keywords as 'a'..'z', all in ASCII order.
#include <array>
#include <cctype>
#include <utility>

#include "mailroom/maildir/delivery.hpp"

namespace mailroom::maildir {

Result<std::string> normalise_flags(std::string_view flags) {
  // D=\Draft F=\Flagged P=passed (forwarded) R=\Answered S=\Seen T=\Deleted
  constexpr std::string_view kSystem = "DFPRST";
  std::array<bool, 128> seen{};
  for (const char c : flags) {
    const bool keyword = c >= 'a' && c <= 'z';
    if (!keyword && kSystem.find(c) == std::string_view::npos) {
      return fail(ErrorKind::parse, "invalid Maildir flag '" + std::string(1, c) +
                                        "' (allowed: D F P R S T and keyword letters a-z)");
    }
    seen[static_cast<unsigned char>(c)] = true;
  }
  std::string out;
  for (std::size_t c = 0; c < seen.size(); ++c) {
    if (seen[c]) out += static_cast<char>(c);
  }
  return out;
}

char system_flag_letter(std::string_view imap_flag) {
  static constexpr std::pair<std::string_view, char> kSystem[] = {{"\\seen", 'S'},
                                                                  {"\\answered", 'R'},
                                                                  {"\\flagged", 'F'},
                                                                  {"\\deleted", 'T'},
                                                                  {"\\draft", 'D'}};
  for (const auto& [name, letter] : kSystem) {
    if (imap_flag.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      same = same && std::tolower(static_cast<unsigned char>(imap_flag[i])) == name[i];
    if (same) return letter;
  }
  return 0;
}

}  // namespace mailroom::maildir
