#include "sieve/strings.hpp"

#include "mailroom/message/address.hpp"

namespace mailroom::sieve {

std::optional<std::string> unquote(std::string_view text, std::size_t max_length) {
  std::string value;
  // Drop the quotes; the grammar guarantees both are there.
  std::string_view inner = text.substr(1, text.size() - 2);
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    value.push_back(inner[i]);
    if (value.size() > max_length) return std::nullopt;
  }
  return value;
}

std::optional<std::string> multi_line_value(std::string_view text, std::size_t max_length) {
  std::string value;
  std::size_t start = text.find('\n');  // the "text:" line ends here
  start = start == std::string_view::npos ? text.size() : start + 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line = text.substr(start, end - start);
    if (line == "." || line == ".\n" || line == ".\r\n") break;  // the terminator
    if (line.starts_with("..")) line.remove_prefix(1);
    // The RFC's lines end in CRLF; a script saved with bare LF gets CRLF in
    // its values too, as Pigeonhole does (a vacation text is mail).
    if (line.ends_with("\r\n"))
      line.remove_suffix(2);
    else if (line.ends_with('\n'))
      line.remove_suffix(1);
    value.append(line).append("\r\n");
    if (value.size() > max_length) return std::nullopt;
    start = end;
  }
  return value;
}

bool valid_redirect_address(std::string_view text) {
  auto mailbox = message::parse_mailbox(text);
  return mailbox && !mailbox->local_part.empty() && !mailbox->domain.empty();
}

}  // namespace mailroom::sieve
