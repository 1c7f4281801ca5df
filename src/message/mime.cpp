// MIME structure (RFC 2046 §5.1 multipart, §5.2 message/rfc822). Bodies
// are split on delimiter lines; nothing is decoded here.
#include "mailroom/message/mime.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace mailroom::message {
namespace {

struct Pending {
  std::string_view range;  // raw bytes of the part to create
  std::size_t parent = 0;
  std::size_t depth = 0;
  bool in_digest = false;  // RFC 2046 §5.1.5: default type message/rfc822
};

struct Delimiter {
  std::size_t begin = 0;  // start of "--boundary"
  std::size_t end = 0;    // after the line ending
  bool close = false;     // "--boundary--"
};

bool rest_is_blank(std::string_view s, std::size_t i, std::size_t& line_end) noexcept {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
  if (i < s.size() && s[i] != '\n') return false;
  line_end = i < s.size() ? i + 1 : i;
  return true;
}

std::size_t end_of_line(std::string_view s, std::size_t i) noexcept {
  const void* nl = std::memchr(s.data() + i, '\n', s.size() - i);
  return nl == nullptr ? s.size()
                       : static_cast<std::size_t>(static_cast<const char*>(nl) - s.data()) + 1;
}

// Next delimiter line at or after `from` (RFC 2046 §5.1.1: "--" boundary
// at the start of a line, then optional white space; "--" closes).
//
// The scan jumps from '-' to '-' (memchr) rather than running memmem: a
// dash is rare in the large parts that matter (base64 has none), and
// memchr runs several times faster over them.
bool find_delimiter(std::string_view body, std::string_view dash_boundary, std::size_t from,
                    Delimiter& out) noexcept {
  while (from + dash_boundary.size() <= body.size()) {
    const std::size_t last_start = body.size() - dash_boundary.size();
    const void* hit = std::memchr(body.data() + from, '-', last_start - from + 1);
    if (hit == nullptr) return false;
    const auto pos = static_cast<std::size_t>(static_cast<const char*>(hit) - body.data());
    from = pos + 1;
    if (pos > 0 && body[pos - 1] != '\n') continue;
    if (body.compare(pos, dash_boundary.size(), dash_boundary) != 0) continue;
    const std::size_t after = pos + dash_boundary.size();
    out.begin = pos;
    if (body.substr(after, 2) == "--") {
      out.close = true;
      out.end = end_of_line(body, after);
      return true;
    }
    if (rest_is_blank(body, after, out.end)) {
      out.close = false;
      return true;
    }
  }
  return false;
}

// The line ending before a delimiter belongs to the delimiter (§5.1.1).
std::size_t content_end(std::string_view body, std::size_t delimiter_begin) noexcept {
  std::size_t e = delimiter_begin;
  if (e > 0 && body[e - 1] == '\n') --e;
  if (e > 0 && body[e - 1] == '\r') --e;
  return e;
}

class TreeBuilder {
 public:
  TreeBuilder(const char* base, const Limits& limits) : base_(base), limits_(limits) {}

  std::vector<Part> run(Part root) {
    scan_budget_ = limits_.max_mime_scan_factor * root.raw.size() + (std::size_t{1} << 20);
    parts_.reserve(16);
    parts_.push_back(std::move(root));
    expand(0, false);
    while (!work_.empty()) {
      Pending p = work_.back();
      work_.pop_back();
      const std::size_t index = create(p);
      expand(index, p.in_digest);
    }
    for (std::size_t i = 1; i < parts_.size(); ++i) parts_[0].defects.add(parts_[i].defects);
    return std::move(parts_);
  }

 private:
  std::size_t create(const Pending& p) {
    HeaderBlock hb = parse_header_block(p.range, base_, limits_);
    Part part;
    part.index = parts_.size();
    part.parent = p.parent;
    part.depth = p.depth;
    part.headers = std::move(hb.fields);
    part.raw = p.range;
    part.header_block = hb.block;
    part.body = hb.body;
    // A part without header fields and without a blank line is all body;
    // that is normal for MIME parts (RFC 2046 §5.1.1 defaults), not a defect.
    hb.defects = strip_separator_defect(hb, part);
    part.defects = hb.defects;
    classify_part(part, p.in_digest ? "message/rfc822" : "text/plain");
    parts_[p.parent].children.push_back(part.index);
    parts_.push_back(std::move(part));
    return parts_.size() - 1;
  }

  static Defects strip_separator_defect(const HeaderBlock& hb, const Part& part) {
    if (!part.headers.empty() || !hb.defects.has(Defect::missing_separator)) return hb.defects;
    Defects d;
    for (std::uint32_t bit = 1; bit != 0; bit <<= 1) {
      const auto defect = static_cast<Defect>(bit);
      if ((hb.defects.bits() & bit) != 0 && defect != Defect::missing_separator) d.add(defect);
    }
    return d;
  }

  bool room_for_parts() {
    if (parts_.size() + work_.size() < limits_.max_parts) return true;
    parts_[0].defects.add(Defect::too_many_parts);
    return false;
  }

  void expand(std::size_t index, bool /*in_digest*/) {
    Part& part = parts_[index];
    const bool container =
        part.content_type.is_multipart() ||
        (part.content_type.is_message() && part.encoding != TransferEncoding::base64 &&
         part.encoding != TransferEncoding::quoted_printable);
    if (!container) return;
    if (part.depth >= limits_.max_mime_depth) {
      part.defects.add(Defect::mime_too_deep);
      return;
    }
    if (part.content_type.is_multipart()) {
      split_multipart(index);
    } else if (room_for_parts()) {
      work_.push_back({part.body, index, part.depth + 1, false});
    }
  }

  void split_multipart(std::size_t index) {
    Part& part = parts_[index];
    const std::string_view boundary = part.content_type.boundary();
    if (boundary.empty()) {
      part.defects.add(Defect::missing_boundary);
      return;
    }
    const std::string_view body = part.body;
    if (body.size() > scan_budget_) {
      part.defects.add(Defect::mime_scan_limit);
      return;
    }
    scan_budget_ -= body.size();
    const std::string dash = "--" + std::string(boundary);
    const bool digest = part.content_type.subtype == "digest";
    const std::size_t first_child = work_.size();
    Delimiter d;
    if (!find_delimiter(body, dash, 0, d)) {
      part.defects.add(Defect::no_parts);
      part.defects.add(Defect::missing_final_boundary);
      return;
    }
    part.preamble = body.substr(0, content_end(body, d.begin));
    while (!d.close) {
      const std::size_t start = d.end;
      Delimiter next;
      const bool found = find_delimiter(body, dash, start, next);
      const std::size_t stop = found ? content_end(body, next.begin) : body.size();
      if (!room_for_parts()) break;
      work_.push_back(
          {body.substr(start, std::max(stop, start) - start), index, part.depth + 1, digest});
      if (!found) {
        part.defects.add(Defect::missing_final_boundary);
        break;
      }
      d = next;
    }
    if (d.close) part.epilogue = body.substr(d.end);
    if (work_.size() == first_child) part.defects.add(Defect::no_parts);
    // Children were queued in order; reverse them so they pop in order.
    std::reverse(work_.begin() + static_cast<std::ptrdiff_t>(first_child), work_.end());
  }

  const char* base_;
  const Limits& limits_;
  std::vector<Part> parts_;
  std::vector<Pending> work_;
  std::size_t scan_budget_ = 0;  // bytes left to scan for delimiters
};

}  // namespace

void classify_part(Part& part, std::string_view default_type) {
  const HeaderField* ct = part.find("Content-Type");
  part.content_type = ct == nullptr
                          ? parse_content_type("", part.defects, default_type)
                          : parse_content_type(unfold(ct->value), part.defects, default_type);
  const HeaderField* cte = part.find("Content-Transfer-Encoding");
  part.encoding =
      cte == nullptr ? TransferEncoding::seven_bit : parse_transfer_encoding(unfold(cte->value));
  if (part.encoding == TransferEncoding::unknown) part.defects.add(Defect::bad_transfer_encoding);
}

ContentDisposition Part::disposition() const {
  const HeaderField* f = find("Content-Disposition");
  Defects ignored;
  return f == nullptr ? ContentDisposition{} : parse_content_disposition(unfold(f->value), ignored);
}

std::string Part::filename() const { return message::filename(disposition(), content_type); }

bool Part::is_text() const {
  if (!children.empty()) return false;
  // A multipart whose delimiters were not found is shown as its raw text
  // (what a mail client displays), so its words still reach the filters.
  const bool broken_multipart =
      content_type.is_multipart() &&
      (defects.has(Defect::no_parts) || defects.has(Defect::missing_boundary) ||
       defects.has(Defect::mime_too_deep) || defects.has(Defect::mime_scan_limit));
  if (content_type.type != "text" && !broken_multipart) return false;
  return !disposition().is_attachment();
}

std::vector<Part> parse_mime(Part root, const char* base, const Limits& limits) {
  return TreeBuilder(base, limits).run(std::move(root));
}

}  // namespace mailroom::message
