// The decoded content and text of a message's parts, made once for the
// content rules and the tokenizer of one scoring. Each decoded a text/html
// part itself: a quoted-printable HTML spam of 5 KB was transfer-decoded
// four times and turned into text twice (~350 K instructions of a 1.35 M
// delivery, callgrind).
#pragma once

#include <cstddef>
#include <forward_list>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/model.hpp"
#include "mailroom/spam/tokenize.hpp"

namespace mailroom::spam::detail {

class DecodedParts {
 public:
  explicit DecodedParts(const message::Message& msg) : msg_(msg), slots_(msg.parts().size()) {}

  // message::decode_content(part, limits) with limits.max_decoded_size =
  // cap, where limits are the message's own.
  const std::string& content(const message::Part& part, std::size_t cap);
  // message::decode_text(part, limits), the same limits.
  const std::string& text(const message::Part& part, std::size_t cap);

 private:
  struct Slot {
    std::optional<std::string> content;
    std::optional<std::string> text;
  };
  [[nodiscard]] message::Limits limits(std::size_t cap) const;
  Slot* slot(const message::Part& part);

  const message::Message& msg_;
  std::vector<Slot> slots_;
  // Decoded under a cap that could cut them, so not shared. A list: no
  // allocation until one is made (a deque allocates when constructed).
  std::forward_list<std::string> uncached_;
};

}  // namespace mailroom::spam::detail

namespace mailroom::spam {

// The entry points of the same names, their decoding shared through decoded.
namespace rules {
[[nodiscard]] std::vector<std::pair<std::string, std::string>> content_symbols(
    const message::Message& m, detail::DecodedParts& decoded);
}  // namespace rules
DistinctFeatures distinct_features(const message::Message& msg, const TokenLimits& limits,
                                   detail::DecodedParts& decoded);
MessageFeatures scoring_features(const message::Message& msg, const ModelParams& params,
                                 detail::DecodedParts& decoded);

}  // namespace mailroom::spam
