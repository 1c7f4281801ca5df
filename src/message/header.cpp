// RFC 5322 §2.2 header block parsing over views, tolerant of the obsolete
// syntax of §4 and of what real (and hostile) senders put on the wire.
#include "mailroom/message/header.hpp"
#include "mailroom/util/text.hpp"

#include <cstdint>
#include <cstring>

namespace mailroom::message {
namespace {

// RFC 5322 §3.6.8 ftext: printable US-ASCII except colon.
bool is_ftext(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u >= 33 && u <= 126 && c != ':';
}

struct Line {
  std::size_t begin = 0;    // first byte
  std::size_t content = 0;  // end of content (before CR?LF)
  std::size_t end = 0;      // after the line ending
  bool crlf = false;
  bool lf = false;  // ended by any LF
};

Line next_line(std::string_view s, std::size_t pos) noexcept {
  Line line;
  line.begin = pos;
  const void* nl = std::memchr(s.data() + pos, '\n', s.size() - pos);
  if (nl == nullptr) {
    line.content = line.end = s.size();
    return line;
  }
  const auto at = static_cast<std::size_t>(static_cast<const char*>(nl) - s.data());
  line.end = at + 1;
  line.lf = true;
  line.crlf = at > pos && s[at - 1] == '\r';
  line.content = line.crlf ? at - 1 : at;
  return line;
}

// An empty line ends the header block; so does a line of only CRs
// ("\r\r\n" from a sender that converted line endings twice), which
// every mail reader displays as empty.
bool is_blank(std::string_view s, const Line& line) noexcept {
  if (!line.lf) return false;
  for (std::size_t i = line.begin; i < line.content; ++i) {
    if (s[i] != '\r') return false;
  }
  return true;
}

// Length of the field name if the line starts a header field (obs-optional:
// WSP allowed between the name and the colon), else 0.
std::size_t field_name_length(std::string_view s, const Line& line) noexcept {
  std::size_t i = line.begin;
  while (i < line.content && is_ftext(s[i])) ++i;
  const std::size_t name_end = i;
  if (name_end == line.begin) return 0;
  while (i < line.content && is_wsp(s[i])) ++i;
  if (i >= line.content || s[i] != ':') return 0;
  return name_end - line.begin;
}

// One pass per kind of defect, each with memchr or eight bytes at a time:
// the block is scanned on every delivery and what is sought is rare (a
// loop testing each byte for each kind was 38 K instructions for the 3 KB
// of header blocks of a 4 KB message).
void scan_defects(std::string_view block, HeaderBlock& out) noexcept {
  if (block.empty()) return;
  const char* const begin = block.data();
  const char* const end = begin + block.size();
  auto find = [end](const char* from, char c) {
    return static_cast<const char*>(std::memchr(from, c, static_cast<std::size_t>(end - from)));
  };
  bool saw_crlf = false;
  bool saw_lf = false;
  for (const char* lf = find(begin, '\n'); lf != nullptr && !(saw_crlf && saw_lf);
       lf = find(lf + 1, '\n'))
    (lf > begin && lf[-1] == '\r' ? saw_crlf : saw_lf) = true;
  if (saw_crlf && saw_lf) out.defects.add(Defect::mixed_line_endings);
  for (const char* cr = find(begin, '\r'); cr != nullptr; cr = find(cr + 1, '\r')) {
    if (cr + 1 == end || cr[1] != '\n') {
      out.defects.add(Defect::bare_cr);
      break;
    }
  }
  if (find(begin, '\0') != nullptr) out.defects.add(Defect::nul_byte);
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  const char* at = begin;
  for (; end - at >= 8; at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, at, sizeof word);
    if ((word & kHighBits) != 0) break;
  }
  for (; at < end; ++at) {
    if (static_cast<unsigned char>(*at) >= 0x80) {
      out.defects.add(Defect::eight_bit_header);
      break;
    }
  }
}

class BlockParser {
 public:
  BlockParser(std::string_view input, const char* base, const Limits& limits)
      : s_(input), base_(base), limits_(limits) {}

  HeaderBlock run() {
    std::size_t pos = 0;
    std::size_t block_end = 0;  // end of the last complete field
    bool first = true;
    while (pos < s_.size()) {
      const Line line = next_line(s_, pos);
      if (is_blank(s_, line)) {  // the separator
        out_.separator = true;
        finish(block_end, line.end);
        return std::move(out_);
      }
      if (is_wsp(s_[line.begin]) && first) out_.defects.add(Defect::continuation_first);
      const std::size_t name_len = field_name_length(s_, line);
      if (name_len == 0) break;  // not a header field: the body starts here
      first = false;
      const std::size_t field_end = field_extent(line);
      if (field_end == kStop) break;
      if (field_end > limits_.max_header_block) {
        truncate(Defect::header_block_too_large);
        break;
      }
      if (out_.fields.size() >= limits_.max_header_count) {
        truncate(Defect::too_many_headers);
        break;
      }
      add_field(line, name_len, field_end);
      pos = block_end = field_end;
    }
    out_.defects.add(Defect::missing_separator);
    finish(block_end, block_end);
    return std::move(out_);
  }

 private:
  static constexpr std::size_t kStop = static_cast<std::size_t>(-1);

  void truncate(Defect why) {
    out_.defects.add(why);
    out_.defects.add(Defect::header_truncated);
  }

  // End of the field that starts with `first` (after its last continuation
  // line), or kStop when a line is too long.
  std::size_t field_extent(const Line& first) {
    Line line = first;
    for (;;) {
      if (line.content - line.begin > limits_.max_line_length) {
        truncate(Defect::line_too_long);
        return kStop;
      }
      // §2.2.3: a line starting with WSP continues the field. A line of
      // only WSP is kept as part of the field (obs-FWS, §4.2).
      if (line.end >= s_.size() || !is_wsp(s_[line.end])) return line.end;
      line = next_line(s_, line.end);
    }
  }

  void add_field(const Line& first, std::size_t name_len, std::size_t end) {
    HeaderField f;
    f.name = s_.substr(first.begin, name_len);
    const std::size_t colon = s_.find(':', first.begin + name_len);
    std::size_t value_end = end;
    if (value_end > 0 && s_[value_end - 1] == '\n') --value_end;
    if (value_end > colon + 1 && s_[value_end - 1] == '\r') --value_end;
    f.value = s_.substr(colon + 1, value_end - colon - 1);
    f.raw = s_.substr(first.begin, end - first.begin);
    f.offset = static_cast<std::size_t>(s_.data() + first.begin - base_);
    out_.fields.push_back(f);
  }

  void finish(std::size_t block_end, std::size_t body_begin) {
    out_.block = s_.substr(0, block_end);
    out_.body = s_.substr(body_begin);
    scan_defects(out_.block, out_);
  }

  std::string_view s_;
  const char* base_;
  const Limits& limits_;
  HeaderBlock out_;
};

}  // namespace

std::string unfold(std::string_view value) {
  // Whole runs between line ends appended at once (a byte at a time was
  // 21 K instructions a delivery: trace, Received, Content-Type fields).
  std::string out;
  out.reserve(value.size());
  std::size_t pos = 0;
  while (pos < value.size()) {
    const std::size_t lf = value.find('\n', pos);
    const std::size_t stop = lf == std::string_view::npos ? value.size() : lf;
    // Drop CR and LF of a line ending; a bare CR inside a line is kept.
    const bool crlf = lf != std::string_view::npos && stop > pos && value[stop - 1] == '\r';
    out.append(value.substr(pos, stop - pos - (crlf ? 1 : 0)));
    if (lf == std::string_view::npos) break;
    pos = lf + 1;
  }
  const auto first = out.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(" \t\r");
  out.erase(last + 1);
  out.erase(0, first);
  return out;
}

HeaderBlock parse_header_block(std::string_view input, const char* base, const Limits& limits) {
  return BlockParser(input, base, limits).run();
}

const HeaderField* find_field(const std::vector<HeaderField>& fields,
                              std::string_view name) noexcept {
  for (const auto& f : fields) {
    if (iequals(f.name, name)) return &f;
  }
  return nullptr;
}

}  // namespace mailroom::message
