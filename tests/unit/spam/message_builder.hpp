// Parsed messages from literal text, for the spam tests.
#pragma once

#include <memory>
#include <string>

#include "mailroom/message/message.hpp"

namespace mailroom::spam::test {

inline message::Message parse(std::string text) {
  auto buffer =
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text)));
  return message::Message::parse(buffer);
}

}  // namespace mailroom::spam::test
