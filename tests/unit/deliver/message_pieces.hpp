// Messages from literal text, and pieces joined back, for the tests of the
// stages that rename fields in place (authenticate, spam).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::deliver::test {

inline message::Message parse(const std::string& text) {
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(text)));
}

inline std::string join(const std::vector<std::string_view>& pieces) {
  std::string out;
  for (auto piece : pieces) out += piece;
  return out;
}

}  // namespace mailroom::deliver::test
