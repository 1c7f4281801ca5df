// The XML reader (xml_reader.hpp), recursive descent over the text, with
// the depth bounded before each descent.
#include "dmarc_report/xml_reader.hpp"

#include <cstdint>

namespace mailroom::dmarc_report {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == '.' || c == ':';
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

class Reader {
 public:
  Reader(std::string_view text, const XmlLimits& limits) : text_(text), limits_(limits) {}

  Result<XmlNode> document() {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    if (auto skipped = skip_misc(); !skipped) return tl::unexpected(skipped.error());
    if (!at('<')) return error("no root element");
    XmlNode root;
    if (auto read = element(root, 0); !read) return tl::unexpected(read.error());
    if (auto skipped = skip_misc(); !skipped) return tl::unexpected(skipped.error());
    if (pos_ != text_.size()) return error("text after the root element");
    return root;
  }

 private:
  tl::unexpected<Error> error(const std::string& what) const {
    return fail(ErrorKind::parse, "XML at byte " + std::to_string(pos_) + ": " + what);
  }
  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at(std::string_view s) const { return text_.substr(pos_).starts_with(s); }
  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  Status skip_past(std::string_view end) {
    auto found = text_.find(end, pos_);
    if (found == std::string_view::npos)
      return error("unterminated, no '" + std::string(end) + "'");
    pos_ = found + end.size();
    return ok();
  }

  // Whitespace, comments and processing instructions around the root.
  Status skip_misc() {
    while (true) {
      skip_space();
      if (at("<!--")) {
        if (auto s = skip_past("-->"); !s) return s;
      } else if (at("<?")) {
        if (auto s = skip_past("?>"); !s) return s;
      } else if (at("<!")) {
        return error("DOCTYPE or declaration refused: no DTD, no entities");
      } else {
        return ok();
      }
    }
  }

  Result<std::string> name() {
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    if (pos_ == start) return error("a name expected");
    return std::string(text_.substr(start, pos_ - start));
  }

  static std::string local(const std::string& qualified) {
    auto colon = qualified.rfind(':');
    return colon == std::string::npos ? qualified : qualified.substr(colon + 1);
  }

  Status reference(std::string& out) {
    auto end = text_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) return error("bad entity reference");
    auto ref = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    if (ref == "lt") return out += '<', ok();
    if (ref == "gt") return out += '>', ok();
    if (ref == "amp") return out += '&', ok();
    if (ref == "quot") return out += '"', ok();
    if (ref == "apos") return out += '\'', ok();
    if (ref.size() < 2 || ref[0] != '#')
      return error("undeclared entity &" + std::string(ref) + ";");
    bool hex = ref[1] == 'x';
    std::uint32_t cp = 0;
    auto digits = ref.substr(hex ? 2 : 1);
    if (digits.empty()) return error("empty character reference");
    for (char c : digits) {
      int v = (c >= '0' && c <= '9')          ? c - '0'
              : hex && (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : hex && (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                              : -1;
      if (v < 0) return error("bad character reference");
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      if (cp > 0x10FFFF) return error("character reference out of range");
    }
    append_utf8(out, cp);
    return ok();
  }

  Status attributes(bool& empty) {
    while (true) {
      skip_space();
      if (at("/>")) {
        pos_ += 2;
        empty = true;
        return ok();
      }
      if (at('>')) {
        ++pos_;
        return ok();
      }
      auto attribute = name();
      if (!attribute) return tl::unexpected(attribute.error());
      skip_space();
      if (!at('=')) return error("'=' expected after an attribute name");
      ++pos_;
      skip_space();
      if (!at('"') && !at('\'')) return error("a quoted attribute value expected");
      char quote = text_[pos_++];
      auto end = text_.find(quote, pos_);
      if (end == std::string_view::npos) return error("unterminated attribute value");
      pos_ = end + 1;
    }
  }

  Status content(XmlNode& node, std::size_t depth) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '&') {
        if (auto r = reference(node.text); !r) return r;
      } else if (c != '<') {
        node.text += c;
        ++pos_;
      } else if (at("</")) {
        return ok();
      } else if (at("<!--")) {
        if (auto s = skip_past("-->"); !s) return s;
      } else if (at("<![CDATA[")) {
        pos_ += 9;
        auto end = text_.find("]]>", pos_);
        if (end == std::string_view::npos) return error("unterminated CDATA");
        node.text += text_.substr(pos_, end - pos_);
        pos_ = end + 3;
      } else if (at("<?")) {
        if (auto s = skip_past("?>"); !s) return s;
      } else if (at("<!")) {
        return error("declaration inside an element refused");
      } else {
        node.children.emplace_back();
        if (auto r = element(node.children.back(), depth + 1); !r) return r;
      }
    }
    return error("unterminated element <" + node.name + ">");
  }

  Status element(XmlNode& node, std::size_t depth) {
    if (depth >= limits_.max_depth) return error("nested deeper than " + std::to_string(depth));
    if (++nodes_ > limits_.max_nodes) return error("more elements than the limit");
    ++pos_;  // '<'
    auto qualified = name();
    if (!qualified) return tl::unexpected(qualified.error());
    node.name = local(*qualified);
    bool empty = false;
    if (auto a = attributes(empty); !a) return a;
    if (empty) return ok();
    if (auto c = content(node, depth); !c) return c;
    pos_ += 2;  // "</"
    auto closing = name();
    if (!closing || *closing != *qualified) return error("</" + *qualified + "> expected");
    skip_space();
    if (!at('>')) return error("'>' expected");
    ++pos_;
    return ok();
  }

  std::string_view text_;
  const XmlLimits& limits_;
  std::size_t pos_ = 0;
  std::size_t nodes_ = 0;
};

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

const XmlNode* XmlNode::find(std::string_view child) const {
  for (const auto& c : children)
    if (c.name == child) return &c;
  return nullptr;
}

std::string XmlNode::text_of(std::string_view child) const {
  const auto* c = find(child);
  return c == nullptr ? std::string() : trimmed(c->text);
}

Result<XmlNode> parse_xml(std::string_view text, const XmlLimits& limits) {
  return Reader(text, limits).document();
}

}  // namespace mailroom::dmarc_report
