// Helpers for the DKIM and ARC tests: messages from strings, keys from maps.
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/auth/dkim_verify.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::auth::test {

inline message::Message parse_message(std::string bytes) {
  auto buffer =
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(bytes)));
  return message::Message::parse(buffer);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Serves TXT records from a map; names not in it have no record.
struct MapKeys {
  std::map<std::string, std::vector<std::string>> records;
  int lookups = 0;
  KeyFetcher fetcher() {
    return [this](std::string_view name) -> Result<std::vector<std::string>> {
      ++lookups;
      auto it = records.find(std::string(name));
      if (it == records.end()) return std::vector<std::string>{};
      return it->second;
    };
  }
};

inline std::string crlf(std::string_view lf_text) {
  std::string out;
  for (char c : lf_text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace mailroom::auth::test
