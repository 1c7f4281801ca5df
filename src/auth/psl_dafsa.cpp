// Reading libpsl's DAFSA (see psl_dafsa.hpp). The byte format, as libpsl's
// psl-make-dafsa writes it:
//
//   graph   = links of the source node, then the nodes
//   node    = label, then links (the children), or a label ending in a value
//   label   = chars 0x1F..0x7F; its last char has 0x80 added (0x9F..0xFF)
//   value   = 0x80 + 0..15, ending a word
//   link    = 0b?0xxxxxx (6 bits), 0b?10xxxxx + 1 byte (13 bits), or
//             0b?11xxxxx + 2 bytes (21 bits); the first bit marks the last
//             link of a node
//
// A node's first link counts from the link itself, each further link from
// the previous child. The writer only jumps forward, and a node has at most
// one child per first char, so a lookup never backtracks.
//
// The file is untrusted (anyone may point auth.psl_path at anything): every
// position is checked against the size before it is read, a node may list
// at most kMaxChildren links, and each descent consumes a char of the key,
// so a lookup ends within key-length levels whatever the bytes say.
#include "psl_dafsa.hpp"

#include <algorithm>

namespace mailroom::auth::psl_dafsa {

namespace {

constexpr std::string_view kMagic = ".DAFSA@PSL_";
constexpr unsigned char kUtf8Mode = 0x01;   // after the graph, in UTF-8 mode
constexpr unsigned char kMultibyte = 0x1F;  // starts a transcoded UTF-8 sequence
constexpr char kNoMatch = '\0';             // a key byte no word holds
// Children differ in their first byte: a char 0x1F..0x7F, or the value
// ending a word there.
constexpr std::size_t kMaxChildren = 0x80 - kMultibyte + 1;

unsigned byte_at(std::string_view bytes, std::size_t pos) {
  return static_cast<unsigned char>(bytes[pos]);
}

bool is_value(unsigned b) { return (b & 0xF0U) == 0x80U; }

// Length of the UTF-8 sequence a lead byte starts; 0 for any other byte.
std::size_t utf8_length(unsigned lead) {
  if ((lead & 0xE0U) == 0xC0U) return 2;
  if ((lead & 0xF0U) == 0xE0U) return 3;
  if ((lead & 0xF8U) == 0xF0U) return 4;
  return 0;
}

// Appends the UTF-8 sequence at `text[pos]` in the graph's form; returns
// the bytes used, 0 when there is no whole sequence there.
std::size_t append_multibyte(std::string_view text, std::size_t pos, std::string& out) {
  const std::size_t n = utf8_length(byte_at(text, pos));
  if (n == 0 || text.size() - pos < n) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte_at(text, pos + i) & 0xC0U) != 0x80U) return 0;
  }
  out.push_back(static_cast<char>(kMultibyte));
  out.push_back(static_cast<char>(byte_at(text, pos) ^ 0x80U));  // 11xxxxxx -> 01xxxxxx
  for (std::size_t i = 1; i < n; ++i) {
    out.push_back(static_cast<char>(byte_at(text, pos + i) ^ 0xC0U));  // 10xxxxxx -> 01xxxxxx
  }
  return n;
}

struct Link {
  std::size_t target;  // the child node
  std::size_t next;    // the following link, unless this is the last
  bool last;
};

// The link at `at`, whose distance counts from `base`; nullopt when it or
// its child would lie past the end.
std::optional<Link> read_link(std::string_view g, std::size_t at, std::size_t base) {
  if (at >= g.size()) return std::nullopt;
  const unsigned b = byte_at(g, at);
  std::size_t size = 1;
  std::size_t distance = b & 0x3FU;
  if ((b & 0x60U) == 0x60U) {
    size = 3;
  } else if ((b & 0x60U) == 0x40U) {
    size = 2;
  }
  if (g.size() - at < size) return std::nullopt;
  if (size == 2) distance = ((b & 0x1FU) << 8U) | byte_at(g, at + 1);
  if (size == 3) {
    distance = ((b & 0x1FU) << 16U) | (byte_at(g, at + 1) << 8U) | byte_at(g, at + 2);
  }
  if (base >= g.size() || distance >= g.size() - base) return std::nullopt;
  return Link{base + distance, at + size, (b & 0x80U) != 0};
}

enum class Outcome { other_child, not_found, found, descend };

struct Step {
  Outcome outcome = Outcome::not_found;
  std::size_t consumed = 0;  // key chars the node's label took (descend)
  std::size_t children = 0;  // where the node's links start (descend)
  unsigned value = 0;        // the word's value (found)
};

// Compares the node at `node` with the start of `key`. A mismatch on the
// label's first char sends us to the next sibling; a later one ends the
// lookup, since no sibling starts with the same char.
Step match_node(std::string_view g, std::size_t node, std::string_view key) {
  std::size_t i = 0;
  std::size_t p = node;
  for (; p < g.size() && byte_at(g, p) < 0x80U; ++p, ++i) {
    if (i == key.size() || key[i] == kNoMatch || byte_at(g, p) != byte_at(key, i)) {
      return Step{i == 0 ? Outcome::other_child : Outcome::not_found};
    }
  }
  if (p >= g.size()) return Step{Outcome::not_found};
  const unsigned b = byte_at(g, p);
  if (i == key.size()) {
    if (is_value(b)) return Step{Outcome::found, 0, 0, b & 0x0FU};
    return Step{i == 0 ? Outcome::other_child : Outcome::not_found};
  }
  if (!is_value(b) && key[i] != kNoMatch && b == (byte_at(key, i) | 0x80U)) {
    return Step{Outcome::descend, i + 1, p + 1};
  }
  return Step{i == 0 ? Outcome::other_child : Outcome::not_found};
}

// Finds the child of the node whose links start at `links` that takes the
// start of `key` (Outcome::descend/found), or says there is none.
Step follow(std::string_view g, std::size_t links, std::string_view key) {
  std::size_t at = links;
  std::size_t base = links;
  for (std::size_t n = 0; n < kMaxChildren; ++n) {
    auto link = read_link(g, at, base);
    if (!link) return Step{Outcome::not_found};
    Step step = match_node(g, link->target, key);
    if (step.outcome != Outcome::other_child) return step;
    if (link->last) break;
    base = link->target;
    at = link->next;
  }
  return Step{Outcome::not_found};
}

// The last `n` labels of `key`.
std::string_view last_labels(std::string_view key, std::size_t n) {
  std::size_t pos = key.size();
  for (; n > 0; --n) {
    if (pos == 0) return key;
    const std::size_t dot = key.rfind('.', pos - 1);
    if (dot == std::string_view::npos) return key;
    pos = dot;
  }
  return key.substr(pos + 1);
}

}  // namespace

bool has_header(std::string_view file) { return file.starts_with(kMagic); }

Result<Graph> open(std::string_view file) {
  if (file.size() <= kHeaderSize || !has_header(file) || file[kHeaderSize - 1] != '\n') {
    return fail(ErrorKind::config, "not a DAFSA Public Suffix List (bad header)");
  }
  const std::string_view version = file.substr(kMagic.size(), kHeaderSize - 1 - kMagic.size());
  if (version.substr(0, version.find(' ')) != "0") {
    return fail(ErrorKind::config,
                "DAFSA Public Suffix List version " + std::string(version) + " is not supported");
  }
  Graph graph{file.substr(kHeaderSize)};
  if (byte_at(graph.bytes, graph.bytes.size() - 1) == kUtf8Mode) {
    graph.utf8 = true;
    graph.bytes.remove_suffix(1);
  }
  if (graph.bytes.empty()) return fail(ErrorKind::config, "DAFSA Public Suffix List is empty");
  return graph;
}

std::string encode_key(const Graph& graph, std::string_view domain) {
  std::string out;
  out.reserve(domain.size() + domain.size() / 2);
  for (std::size_t pos = 0; pos < domain.size();) {
    const unsigned c = byte_at(domain, pos);
    if (c >= 0x80U && graph.utf8) {
      if (std::size_t used = append_multibyte(domain, pos, out); used > 0) {
        pos += used;
        continue;
      }
    }
    out.push_back(c > 0x20U && c < 0x80U ? static_cast<char>(c) : kNoMatch);
    ++pos;
  }
  return out;
}

std::optional<unsigned> lookup(const Graph& graph, std::string_view key) {
  std::size_t links = 0;  // the source node's links open the graph
  // Each descent takes at least one char of the key: at most key.size() + 1 rounds.
  while (true) {
    const Step step = follow(graph.bytes, links, key);
    if (step.outcome == Outcome::found) return step.value;
    if (step.outcome != Outcome::descend) return std::nullopt;
    key.remove_prefix(step.consumed);
    links = step.children;
  }
}

std::size_t suffix_labels(const Graph& graph, std::string_view key, bool private_rules) {
  const std::size_t labels = 1 + static_cast<std::size_t>(std::count(key.begin(), key.end(), '.'));
  std::size_t best = 1;  // the implicit "*"
  for (std::size_t n = 1; n <= labels; ++n) {
    auto value = lookup(graph, last_labels(key, n));
    if (!value) continue;
    // A rule in both sections counts as ICANN.
    if (!private_rules && (*value & kPrivate) != 0 && (*value & kIcann) == 0) continue;
    if ((*value & kException) != 0) return std::max<std::size_t>(n - 1, 1);
    if ((*value & kWildcard) == 0) {
      best = std::max(best, n);
    } else if (n < labels) {
      best = std::max(best, n + 1);  // "*.ck" takes one label more than "ck"
    }
  }
  return best;
}

}  // namespace mailroom::auth::psl_dafsa
