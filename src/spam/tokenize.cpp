// tokenize(): headers, MIME structure, text, HTML and URLs (tokenize.hpp).
#include "mailroom/spam/tokenize.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/text.hpp"
#include "spam/decoded_parts.hpp"
#include "spam/hash_sort.hpp"
#include "spam/html_scan.hpp"
#include "spam/token_sink.hpp"

namespace mailroom::spam {
namespace {

using detail::TokenSink;

// Header fields whose words are evidence, with the prefix they get. The
// trace fields (Received) say who relayed the mail; From, Reply-To and the
// mailer say who sent it. Every field's presence counts too ("hdr:<name>").
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kWordFields{{
    {"from", "from:"},
    {"reply-to", "rt:"},
    {"to", "to:"},
    {"cc", "to:"},
    {"return-path", "rp:"},
    {"sender", "from:"},
    {"x-mailer", "mailer:"},
    {"user-agent", "mailer:"},
    {"content-type", "ct:"},
    {"message-id", "mid:"},
    {"list-id", "list:"},
    {"precedence", "prec:"},
    {"organization", "org:"},
    {"received", "rcvd:"},
}};

// Received fields beyond the first few are the sender's own history.
constexpr std::size_t kReceivedKept = 3;

void add_header_tokens(const message::Message& msg, TokenSink& sink) {
  std::size_t received = 0;
  for (const message::HeaderField& field : msg.headers()) {
    if (sink.full()) return;
    // The name lower-cased as it is hashed and compared: no copy of it
    // (a std::string a field, on the heap for a name past 15 bytes).
    const std::string_view name = field.name;
    if (name.size() <= sink.limits().max_token_length)
      sink.add_lower("hdr:", name, TokenKind::meta);
    const auto hit = std::find_if(kWordFields.begin(), kWordFields.end(),
                                  [&](const auto& f) { return iequals(name, f.first); });
    if (hit == kWordFields.end()) continue;
    if (hit->first == "received" && ++received > kReceivedKept) continue;
    const std::string_view value =
        field.value.substr(0, std::min(field.value.size(), sink.limits().max_header_value));
    sink.add_text(hit->second, value);
  }
  sink.add_text("subj:", msg.subject().substr(0, sink.limits().max_header_value));
}

// "pdf" of "Invoice.PDF"; "" when there is no extension.
std::string file_extension(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) return {};
  return ascii_lower(name.substr(dot + 1));
}

void add_part_tokens(const message::Part& part, TokenSink& sink) {
  const auto& ct = part.content_type;
  sink.add("mime:", ct.type + "/" + ct.subtype, TokenKind::meta);
  if (const std::string* charset = ct.params.find("charset"))
    sink.add("charset:", ascii_lower(*charset), TokenKind::meta);
  if (part.encoding == message::TransferEncoding::base64)
    sink.add("cte:", "base64", TokenKind::meta);
  if (part.encoding == message::TransferEncoding::quoted_printable)
    sink.add("cte:", "qp", TokenKind::meta);
  if (!part.is_leaf() || part.is_text()) return;
  const std::string name = part.filename();
  if (name.empty()) return;
  const std::string ext = file_extension(name);
  if (!ext.empty()) sink.add("att:ext:", ext, TokenKind::meta);
  sink.add_text("att:", name.substr(0, sink.limits().max_header_value));
}

// Text, HTML tags and URLs of one text part; returns the bytes it scanned.
std::size_t add_text_part(const message::Message& msg, const message::Part& part,
                          std::size_t budget, TokenSink& sink, detail::DecodedParts& decoded) {
  const std::size_t cap = std::min(msg.limits().max_decoded_size, budget);
  if (part.content_type.is("text", "html")) {
    // Transfer-decoded once, for the tags and for the text (and for the
    // content rules: DecodedParts).
    const std::string& html = decoded.content(part, cap);
    detail::add_html_tokens(html, sink);
    const std::string& text = decoded.text(part, cap);
    sink.add_text("", text);
    return html.size() + text.size();
  }
  const std::string& text = decoded.text(part, cap);
  detail::add_url_tokens(text, sink);
  sink.add_text("", text);
  return text.size();
}

// fold_ngram_text's folding of one byte.
[[nodiscard]] constexpr char fold_ngram_byte(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return is_space(c) ? ' ' : (u < 0x20 || u == 0x7f) ? '?' : c;
}
constexpr std::array<std::uint8_t, 256> kNgramFold = [] {
  std::array<std::uint8_t, 256> table{};
  for (std::size_t b = 0; b < table.size(); ++b)
    table[b] = static_cast<std::uint8_t>(fold_ngram_byte(static_cast<char>(b)));
  return table;
}();

// Appends bytes to the text the byte n-grams are made of: line ends and
// runs of white space count as one space, so re-wrapping by a relay does
// not change them, and other control bytes as '?' (`score --explain`
// prints tokens on a terminal).
void fold_ngram_text(std::string_view bytes, std::string& text) {
  for (const char c : bytes) {
    const char folded = fold_ngram_byte(c);
    if (folded == ' ' && !text.empty() && text.back() == ' ') continue;
    text += folded;
  }
}

// The byte n-grams of the message as it arrived: calls visit(gram) for
// each n bytes in a row of the header block's first char_ngram_header_bytes
// bytes and the body's first char_ngram_body_bytes, folded as one text
// (fold_ngram_text: the empty line between them is one space).
template <class Visit>
void for_each_byte_ngram(const message::Message& msg, const TokenLimits& limits, Visit&& visit) {
  const std::size_t n = limits.char_ngram;
  if (n == 0) return;
  const std::string_view head = msg.header_block();
  const std::string_view body = msg.body();
  std::string text;
  text.reserve(std::min(head.size(), limits.char_ngram_header_bytes) + 1 +
               std::min(body.size(), limits.char_ngram_body_bytes));
  fold_ngram_text(head.substr(0, std::min(head.size(), limits.char_ngram_header_bytes)), text);
  if (msg.has_separator()) fold_ngram_text(" ", text);
  fold_ngram_text(body.substr(0, std::min(body.size(), limits.char_ngram_body_bytes)), text);
  const std::string_view folded = text;
  for (std::size_t i = 0; i + n <= folded.size(); ++i) visit(folded.substr(i, n));
}

constexpr std::string_view kNgramPrefix = "c:";

// The keys of the byte 4-grams (the default char_ngram) for_each_byte_ngram
// makes, prefixed by kNgramPrefix, without their text: the same bytes
// folded as fold_ngram_text does, the last four kept in a word, and each
// gram's FNV-1a the prefix's state carried over them, unrolled. Making the
// folded text and hashing each gram from a string_view of it was ~50
// instructions a gram (callgrind).
class Byte4gramKeys {
 public:
  explicit Byte4gramKeys(std::vector<std::uint64_t>& out) : out_(out) {}

  // The state in locals for the loop: a push_back to out_ may alias the
  // members, which were loaded and stored again per byte (~40
  // instructions a byte, callgrind). The keys go to a chunk on the stack,
  // appended to out_ when full (a push_back per key loaded and stored the
  // vector's end; resizing out_ first zeroed the room, as dear). The
  // first three folded bytes, which make no gram, are taken before the loop.
  void add(std::string_view bytes) {
    std::uint32_t window = window_;
    bool after_space = after_space_;
    std::size_t at = 0;
    for (; at < bytes.size() && bytes_ < 3; ++at) {
      const std::uint8_t folded = kNgramFold[static_cast<unsigned char>(bytes[at])];
      if (folded == ' ' && after_space) continue;
      after_space = folded == ' ';
      window = (window << 8) | folded;
      ++bytes_;
    }
    std::array<std::uint64_t, 128>
        chunk;  // NOLINT(cppcoreguidelines-pro-type-member-init): written before read
    std::size_t in_chunk = 0;
    for (; at < bytes.size(); ++at) {
      const std::uint8_t folded = kNgramFold[static_cast<unsigned char>(bytes[at])];
      if (folded == ' ' && after_space) continue;
      after_space = folded == ' ';
      window = (window << 8) | folded;
      std::uint64_t h = kAfterFirst[window >> 24];
      h = (h ^ ((window >> 16) & 0xFFU)) * kPrime;
      h = (h ^ ((window >> 8) & 0xFFU)) * kPrime;
      chunk[in_chunk++] = (h ^ (window & 0xFFU)) * kPrime;
      if (in_chunk == chunk.size()) {
        out_.insert(out_.end(), chunk.begin(), chunk.end());
        in_chunk = 0;
      }
    }
    out_.insert(out_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(in_chunk));
    window_ = window;
    after_space_ = after_space;
  }

 private:
  static constexpr std::uint64_t kPrime = 1099511628211ULL;
  // The prefix's FNV-1a state carried over a gram's first byte, per byte.
  static constexpr std::array<std::uint64_t, 256> kAfterFirst = [] {
    const std::uint64_t prefix = detail::fnv1a(detail::kFnvBasis, kNgramPrefix);
    std::array<std::uint64_t, 256> table{};
    for (std::size_t b = 0; b < table.size(); ++b) table[b] = (prefix ^ b) * kPrime;
    return table;
  }();
  std::vector<std::uint64_t>& out_;
  std::uint32_t window_ = 0;  // the last four folded bytes, the newest lowest
  std::size_t bytes_ = 0;     // folded bytes so far, up to 3 (then each makes a gram)
  bool after_space_ = false;  // the last folded byte was a space
};

void add_byte_4gram_keys(const message::Message& msg, const TokenLimits& limits,
                         std::vector<std::uint64_t>& out) {
  const std::string_view head = msg.header_block();
  const std::string_view body = msg.body();
  Byte4gramKeys keys(out);
  keys.add(head.substr(0, std::min(head.size(), limits.char_ngram_header_bytes)));
  if (msg.has_separator()) keys.add(" ");
  keys.add(body.substr(0, std::min(body.size(), limits.char_ngram_body_bytes)));
}

// Every token but the byte n-grams into sink; true when the scan budget
// ran out before the last text part.
bool scan_message(const message::Message& msg, const TokenLimits& limits, TokenSink& sink,
                  detail::DecodedParts& decoded) {
  add_header_tokens(msg, sink);
  std::size_t budget = limits.max_bytes_scanned;
  bool out_of_budget = false;
  for (const message::Part& part : msg.parts()) {
    if (sink.full()) break;
    add_part_tokens(part, sink);
    if (!part.is_text()) continue;
    if (budget == 0) {
      out_of_budget = true;
      continue;
    }
    const std::size_t used = add_text_part(msg, part, budget, sink, decoded);
    budget -= std::min(budget, used);
  }
  if (msg.limits_hit()) sink.add("meta:", "message-limits", TokenKind::meta);
  return out_of_budget;
}

constexpr std::string_view kScanBudget = "meta:scan-budget";

// Closures, not functions: std::sort inlines a closure's call, where a
// function pointer cost a call per comparison (perf: 1.6 % of `score`).
constexpr auto by_key = [](const Feature& a, const Feature& b) noexcept { return a.key < b.key; };
constexpr auto same_key = [](const Feature& a, const Feature& b) noexcept {
  return a.key == b.key;
};

}  // namespace

Tokens tokenize(const message::Message& msg, const TokenLimits& limits) {
  TokenSink sink(limits);
  detail::DecodedParts decoded(msg);
  const bool out_of_budget = scan_message(msg, limits, sink, decoded);
  Tokens out = sink.finish();
  for_each_byte_ngram(msg, limits, [&](std::string_view gram) {
    std::string token(kNgramPrefix);
    token += gram;
    out.tokens.push_back(Token{std::move(token), TokenKind::ngram});
  });
  if (out_of_budget) {
    out.truncated = true;
    out.tokens.push_back(Token{std::string(kScanBudget), TokenKind::meta});
  }
  return out;
}

DistinctFeatures distinct_features(const message::Message& msg, const TokenLimits& limits) {
  detail::DecodedParts decoded(msg);
  return distinct_features(msg, limits, decoded);
}

DistinctFeatures distinct_features(const message::Message& msg, const TokenLimits& limits,
                                   detail::DecodedParts& decoded) {
  TokenSink sink(limits, detail::SinkMode::keys);
  // A 4 KB message has ~700 features without bigrams, ~1,600 with.
  sink.reserve_keys(msg.raw().size() / (limits.bigram_keys ? 2 : 5) + 64);
  const bool out_of_budget = scan_message(msg, limits, sink, decoded);
  DistinctFeatures out;
  out.truncated = sink.finish().truncated || out_of_budget;
  std::vector<Feature> keys = sink.take_keys();
  if (out_of_budget) keys.push_back(Feature{token_hash(kScanBudget), TokenKind::meta});
  detail::sort_unique_by_hash(keys, [](const Feature& f) { return f.key; });
  // The n-grams (most of a message's features) apart, as bare keys: the
  // cheaper sort, then one merge.
  std::vector<std::uint64_t> grams;
  // Room only when grams are made: a scoring without them (Fisher alone)
  // reserved 33 KB for a 4 KB message, and the top of the heap it moved
  // was written by the allocations after it (a page fault each page).
  if (limits.char_ngram != 0)
    grams.reserve(
        std::min(msg.raw().size(), limits.char_ngram_header_bytes + limits.char_ngram_body_bytes));
  if (limits.char_ngram == 4) {
    add_byte_4gram_keys(msg, limits, grams);
  } else {
    const std::uint64_t prefix = detail::fnv1a(detail::kFnvBasis, kNgramPrefix);
    for_each_byte_ngram(
        msg, limits, [&](std::string_view gram) { grams.push_back(detail::fnv1a(prefix, gram)); });
  }
  if (grams.empty()) {  // a scoring without n-grams (Fisher alone): nothing to merge
    out.features = std::move(keys);
    return out;
  }
  detail::sort_by_hash(grams, [](std::uint64_t key) { return key; });
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  out.features.reserve(keys.size() + grams.size());
  std::size_t g = 0;
  for (const Feature& f : keys) {
    for (; g < grams.size() && grams[g] < f.key; ++g)
      out.features.push_back(Feature{grams[g], TokenKind::ngram});
    if (g < grams.size() && grams[g] == f.key) ++g;  // one key, one feature
    out.features.push_back(f);
  }
  for (; g < grams.size(); ++g) out.features.push_back(Feature{grams[g], TokenKind::ngram});
  return out;
}

std::uint64_t token_hash(std::string_view token) noexcept {
  return detail::fnv1a(detail::kFnvBasis, token);
}

std::vector<Feature> unique_features(const Tokens& tokens) {
  std::vector<Feature> out;
  out.reserve(tokens.tokens.size());
  for (const Token& t : tokens.tokens) out.push_back(Feature{token_hash(t.text), t.kind});
  std::sort(out.begin(), out.end(), by_key);
  out.erase(std::unique(out.begin(), out.end(), same_key), out.end());
  return out;
}

}  // namespace mailroom::spam
