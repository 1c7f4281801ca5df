#include "mailroom/message/message.hpp"

#include <algorithm>
#include <utility>

#include "mailroom/message/decode.hpp"
#include "mailroom/message/rfc2047.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::message {
namespace {

Part make_root(std::string_view raw, const Limits& limits) {
  HeaderBlock hb = parse_header_block(raw, raw.data(), limits);
  Part root;
  root.headers = std::move(hb.fields);
  root.raw = raw;
  root.header_block = hb.block;
  root.body = hb.body;
  root.defects = hb.defects;
  classify_part(root, "text/plain");
  return root;
}

}  // namespace

Message Message::parse(std::shared_ptr<const Buffer> buffer, const Limits& limits,
                       Scope scope) noexcept {
  Message m;
  m.limits_ = limits;
  if (!buffer) buffer = std::make_shared<const Buffer>();
  m.buffer_ = std::move(buffer);
  const std::string_view raw = m.buffer_->bytes();
  try {
    Part root = make_root(raw, limits);
    m.separator_ = !root.defects.has(Defect::missing_separator);
    if (scope == Scope::mime) {
      m.parts_ = parse_mime(std::move(root), raw.data(), limits);
    } else {
      m.parts_.push_back(std::move(root));
    }
  } catch (...) {
    // Only std::bad_alloc can get here: degrade to "all body".
    m.parts_.clear();
    Part root;
    root.raw = root.body = raw;
    root.defects.add(Defect::header_truncated);
    root.defects.add(Defect::missing_separator);
    m.separator_ = false;
    m.parts_.push_back(std::move(root));
  }
  m.defects_ = m.parts_.front().defects;
  return m;
}

std::string_view Message::raw() const noexcept { return buffer_->bytes(); }
std::string_view Message::header_block() const noexcept { return root().header_block; }
std::string_view Message::body() const noexcept { return root().body; }

const HeaderField* Message::find(std::string_view name) const noexcept { return root().find(name); }

std::vector<const HeaderField*> Message::find_all(std::string_view name) const {
  std::vector<const HeaderField*> out;
  for (const auto& f : root().headers) {
    if (iequals(f.name, name)) out.push_back(&f);
  }
  return out;
}

std::string Message::value(std::string_view name) const {
  const HeaderField* f = find(name);
  return f == nullptr ? std::string() : unfold(f->value);
}

std::string Message::subject(Defects* defects) const {
  const HeaderField* f = find("Subject");
  if (f == nullptr) return {};
  Defects d;
  std::string out = decode_rfc2047(unfold(f->value), d);
  if (defects != nullptr) defects->add(d);
  return out;
}

std::vector<Address> Message::addresses(std::string_view name) const {
  std::vector<Address> out;
  for (const auto& f : root().headers) {
    if (!iequals(f.name, name)) continue;
    if (out.size() >= limits_.max_addresses) break;
    // The parser stops at its limit, so the first n of a field's whole list
    // are what parsing it with a limit of n gives.
    const auto& list = field_addresses(f);
    auto take = std::min(list.size(), limits_.max_addresses - out.size());
    out.insert(out.end(), list.begin(), list.begin() + static_cast<std::ptrdiff_t>(take));
  }
  return out;
}

const std::vector<Address>& Message::field_addresses(const HeaderField& field) const {
  auto fields = headers();
  if (fields.empty() || &field < fields.data() || &field >= fields.data() + fields.size())
    return other_addresses_.emplace_front(parse_address_list(field.value, limits_));
  if (field_addresses_.size() < fields.size()) field_addresses_.resize(fields.size());
  auto& cached = field_addresses_[static_cast<std::size_t>(&field - fields.data())];
  if (!cached) cached = parse_address_list(field.value, limits_);
  return *cached;
}

std::optional<DateTime> Message::date() const {
  const HeaderField* f = find("Date");
  if (f == nullptr) return std::nullopt;
  return parse_date_time(f->value);
}

std::string Message::decoded(const Part& part, Defects* defects) const {
  Defects d;
  std::string out = decode_content(part, limits_, d);
  if (defects != nullptr) defects->add(d);
  return out;
}

std::string Message::text(const Part& part, Defects* defects) const {
  Defects d;
  std::string out = decode_text(part, limits_, d);
  if (defects != nullptr) defects->add(d);
  return out;
}

std::vector<const Part*> Message::text_parts() const {
  std::vector<const Part*> out;
  for (const Part& p : parts_) {
    if (p.is_text()) out.push_back(&p);
  }
  return out;
}

std::string Message::body_text(Defects* defects) const {
  std::string out;
  for (const Part* p : text_parts()) {
    if (out.size() >= limits_.max_decoded_size) break;
    if (!out.empty()) out += "\n\n";
    out += text(*p, defects);
  }
  if (out.size() > limits_.max_decoded_size) out.resize(limits_.max_decoded_size);
  return out;
}

bool Message::limits_hit() const noexcept {
  return has(Defect::line_too_long) || has(Defect::too_many_headers) ||
         has(Defect::header_block_too_large) || has(Defect::mime_too_deep) ||
         has(Defect::too_many_parts) || has(Defect::decoded_truncated) ||
         has(Defect::mime_scan_limit);
}

}  // namespace mailroom::message
