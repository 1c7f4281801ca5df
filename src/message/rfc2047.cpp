// RFC 2047 encoded-word decoding for unstructured header text and phrases.
#include "mailroom/message/rfc2047.hpp"

#include <optional>

#include "mailroom/message/charset.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/transfer_encoding.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::message {
namespace {

struct EncodedWord {
  std::string_view charset;  // without an RFC 2231 §5 "*language" suffix
  std::string bytes;         // decoded, still in charset
  std::size_t end = 0;       // index after "?="
};

// §4.2: "_" is a space, "=XX" a byte. A malformed escape fails the word.
bool decode_q(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=') {
      if (i + 2 >= text.size()) return false;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool decode_b(std::string_view text, std::string& out) {
  for (const char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  Defects d;
  decode_base64(text, out, d);
  return !d.has(Defect::bad_transfer_encoding);
}

// Finds "?=" at or after a position. Queries move forward, so remembering
// the last answer keeps the total work linear even for text with a million
// "=?" and no "?=" (each find would otherwise rescan to the end).
class CloseFinder {
 public:
  explicit CloseFinder(std::string_view s) : s_(s) {}
  std::size_t at_or_after(std::size_t from) {
    if (!known_ || (last_ != std::string_view::npos && last_ < from)) {
      last_ = s_.find("?=", from);
      known_ = true;
    }
    return last_;
  }

 private:
  std::string_view s_;
  std::size_t last_ = std::string_view::npos;
  bool known_ = false;
};

// Parses "=?charset?X?text?=" at s[pos]; nullopt if it is not a well-formed
// encoded word.
std::optional<EncodedWord> parse_word(std::string_view s, std::size_t pos, CloseFinder& close) {
  std::size_t i = pos + 2;
  const std::size_t cs_end = s.find('?', i);
  if (cs_end == std::string_view::npos || cs_end == i || cs_end - i > 64) return std::nullopt;
  std::string_view charset = s.substr(i, cs_end - i);
  for (const char c : charset) {
    if (is_space(c) || c == '=') return std::nullopt;
  }
  if (const auto star = charset.find('*'); star != std::string_view::npos) {
    charset = charset.substr(0, star);
  }
  i = cs_end + 1;
  if (i + 1 >= s.size() || s[i + 1] != '?') return std::nullopt;
  const char enc = s[i];
  i += 2;
  const std::size_t text_end = close.at_or_after(i);
  if (text_end == std::string_view::npos) return std::nullopt;
  const std::string_view text = s.substr(i, text_end - i);
  EncodedWord w;
  w.charset = charset;
  w.end = text_end + 2;
  bool ok = false;
  if (enc == 'B' || enc == 'b') {
    ok = decode_b(text, w.bytes);
  } else if (enc == 'Q' || enc == 'q') {
    ok = decode_q(text, w.bytes);
  }
  if (!ok) return std::nullopt;
  return w;
}

class Decoder {
 public:
  explicit Decoder(Defects& defects) : defects_(defects) {}

  std::string run(std::string_view s) {
    CloseFinder close(s);
    std::size_t plain_begin = 0;
    std::size_t pos = 0;
    bool last_was_word = false;
    while ((pos = s.find("=?", pos)) != std::string_view::npos) {
      if (close.at_or_after(pos + 2) == std::string_view::npos) break;  // no word can end
      auto word = parse_word(s, pos, close);
      if (!word) {
        if (looks_like_word(s, pos, close)) defects_.add(Defect::bad_encoded_word);
        pos += 2;
        continue;
      }
      const std::string_view between = s.substr(plain_begin, pos - plain_begin);
      // §6.2: white space between adjacent encoded words is not displayed.
      if (!(last_was_word && all_wsp(between))) plain(between);
      add_word(*word);
      pos = plain_begin = word->end;
      last_was_word = true;
    }
    plain(s.substr(plain_begin));
    flush();
    return std::move(out_);
  }

 private:
  static bool all_wsp(std::string_view s) noexcept {
    for (const char c : s) {
      if (!is_space(c)) return false;
    }
    return true;
  }

  // "=?x?q?" with a closing "?=" somewhere: meant as a word but broken.
  static bool looks_like_word(std::string_view s, std::size_t pos, CloseFinder& close) {
    const std::size_t q1 = s.find('?', pos + 2);
    return q1 != std::string_view::npos && q1 + 2 < s.size() && s[q1 + 2] == '?' &&
           close.at_or_after(q1 + 3) != std::string_view::npos;
  }

  void plain(std::string_view text) {
    if (text.empty()) return;
    flush();
    out_ += header_bytes_to_utf8(text);
  }

  // Bytes of adjacent words in one charset are converted together, so a
  // character split across words (common with CJK senders) survives.
  void add_word(const EncodedWord& w) {
    if (!pending_.empty() && !iequal_charset(w.charset)) flush();
    pending_charset_ = w.charset;
    pending_ += w.bytes;
  }

  bool iequal_charset(std::string_view cs) const noexcept {
    if (cs.size() != pending_charset_.size()) return false;
    for (std::size_t i = 0; i < cs.size(); ++i) {
      if ((cs[i] | 0x20) != (pending_charset_[i] | 0x20)) return false;
    }
    return true;
  }

  void flush() {
    if (pending_.empty()) return;
    append_utf8(pending_, pending_charset_, out_, defects_);
    pending_.clear();
  }

  Defects& defects_;
  std::string out_;
  std::string pending_;
  std::string_view pending_charset_;
};

}  // namespace

std::string decode_rfc2047(std::string_view text, Defects& defects) {
  return Decoder(defects).run(text);
}

std::string decode_rfc2047(std::string_view text) {
  Defects ignored;
  return decode_rfc2047(text, ignored);
}

std::string decode_header_value(std::string_view raw_value) {
  return decode_rfc2047(unfold(raw_value));
}

}  // namespace mailroom::message
