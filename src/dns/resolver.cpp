#include "mailroom/dns/resolver.hpp"

#include <cctype>

namespace mailroom::dns {

std::string_view to_string(RecordType type) {
  switch (type) {
    case RecordType::a:
      return "A";
    case RecordType::cname:
      return "CNAME";
    case RecordType::ptr:
      return "PTR";
    case RecordType::mx:
      return "MX";
    case RecordType::txt:
      return "TXT";
    case RecordType::aaaa:
      return "AAAA";
  }
  return "?";
}

std::string canonical_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_valid_query_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (++label > 63) {
      return false;
    }
  }
  return label > 0;
}

}  // namespace mailroom::dns
