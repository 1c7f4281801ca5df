// libFuzzer: the spam rules and the verdict's header fields read every
// part of a message from anyone. Parse, score with rules only (every
// authentication fact set, so those rules run too), render the fields, and
// check what deliver writes: printable ASCII, every line a new X- field or
// a tab-folded continuation (no field of the sender's choosing), SCL in
// -1..9.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/verdict.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mailroom;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto buffer = std::make_shared<const message::Buffer>(message::Buffer::from_string(text));
  const auto msg = message::Message::parse(buffer);
  spam::AuthFacts facts;
  facts.checked = true;
  facts.spf = size % 2 != 0 ? spam::AuthFacts::Spf::fail : spam::AuthFacts::Spf::softfail;
  facts.dkim_failed = true;
  facts.dmarc = spam::AuthFacts::Dmarc::fail;
  facts.published = spam::AuthFacts::Policy::reject;
  facts.arc = spam::AuthFacts::Arc::pass;
  facts.arc_sealers = {"lists.example"};
  spam::ScoreInput input(msg, facts);
  input.now = 1767607200;
  input.lists.push_back({{"example.org"}, {"spam.example"}});
  input.trusted_arc_sealers = {"lists.example"};
  const auto verdict = spam::score_message(input);
  if (verdict.scl < -1 || verdict.scl > 9) __builtin_trap();
  const std::string fields = spam::verdict_fields(verdict);
  if (fields.empty() || fields.back() != '\n' || fields.compare(0, 2, "X-") != 0) __builtin_trap();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const char c = fields[i];
    if (c == '\n') {
      if (i + 1 < fields.size() && fields[i + 1] != '\t' && fields.compare(i + 1, 2, "X-") != 0)
        __builtin_trap();
    } else if (c != '\t' && (c < 0x20 || c > 0x7e)) {
      __builtin_trap();
    }
  }
  return 0;
}
