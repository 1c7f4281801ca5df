// DMARC record syntax (RFC 7489 §6.3 tags, §6.4 ABNF).
#include <algorithm>
#include <charconv>

#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::auth {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

tl::unexpected<DmarcRecordError> error(DmarcRecordErrorCode code, std::size_t offset,
                                       std::string detail) {
  return tl::unexpected<DmarcRecordError>(DmarcRecordError{code, offset, std::move(detail)});
}

struct RawTag {
  std::string_view name;
  std::string_view value;
  std::size_t offset = 0;  // of the value
};

std::optional<DmarcPolicy> parse_policy(std::string_view v) {
  if (iequals(v, "none")) return DmarcPolicy::none;
  if (iequals(v, "quarantine")) return DmarcPolicy::quarantine;
  if (iequals(v, "reject")) return DmarcPolicy::reject;
  return std::nullopt;
}

std::optional<DmarcAlignment> parse_alignment(std::string_view v) {
  if (iequals(v, "r")) return DmarcAlignment::relaxed;
  if (iequals(v, "s")) return DmarcAlignment::strict;
  return std::nullopt;
}

template <class T>
std::optional<T> parse_number(std::string_view v) {
  T out{};
  if (v.empty() || !std::all_of(v.begin(), v.end(), is_digit)) return std::nullopt;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
  return out;
}

// URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]; the URI needs a scheme
// (RFC 3986 §3.1) and no white space.
std::optional<DmarcUri> parse_uri(std::string_view text) {
  text = trim_wsp(text);
  DmarcUri out;
  auto bang = text.rfind('!');
  std::string_view uri = text.substr(0, bang);
  if (bang != std::string_view::npos) {
    std::string_view size = text.substr(bang + 1);
    unsigned shift = 0;
    if (!size.empty() && is_alpha(size.back())) {
      switch (size.back() | 0x20) {
        case 'k':
          shift = 10;
          break;
        case 'm':
          shift = 20;
          break;
        case 'g':
          shift = 30;
          break;
        case 't':
          shift = 40;
          break;
        default:
          return std::nullopt;
      }
      size.remove_suffix(1);
    }
    auto n = parse_number<std::uint64_t>(size);
    if (!n || *n > (std::uint64_t{1} << (63 - shift))) return std::nullopt;
    out.max_bytes = *n << shift;
  }
  auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == uri.size()) return std::nullopt;
  if (!is_alpha(uri.front())) return std::nullopt;
  for (char c : uri.substr(0, colon)) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  for (char c : uri) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return std::nullopt;
  }
  out.uri = std::string(uri);
  return out;
}

// dmarc-urilist: comma-separated; URIs that do not parse are skipped (a
// report address typo must not cost the domain its policy).
tl::expected<std::vector<DmarcUri>, DmarcRecordError> parse_uri_list(const RawTag& tag,
                                                                     const DmarcLimits& limits) {
  std::vector<DmarcUri> out;
  std::string_view rest = tag.value;
  std::size_t count = 0;
  while (true) {
    auto comma = rest.find(',');
    if (++count > limits.max_uris) {
      return error(DmarcRecordErrorCode::too_many_tags, tag.offset, std::string(tag.name));
    }
    if (auto uri = parse_uri(rest.substr(0, comma))) out.push_back(std::move(*uri));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

// Colon-separated keywords, each one of `allowed` (fo=) or any keyword (rf=).
bool valid_keyword_list(std::string_view v, std::initializer_list<std::string_view> allowed) {
  if (v.empty()) return false;
  while (true) {
    auto colon = v.find(':');
    std::string_view item = trim_wsp(v.substr(0, colon));
    if (item.empty()) return false;
    if (allowed.size() != 0) {
      if (std::none_of(allowed.begin(), allowed.end(),
                       [&](std::string_view a) { return iequals(a, item); })) {
        return false;
      }
    } else if (!std::all_of(item.begin(), item.end(),
                            [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; })) {
      return false;
    }
    if (colon == std::string_view::npos) return true;
    v.remove_prefix(colon + 1);
  }
}

tl::expected<std::vector<RawTag>, DmarcRecordError> split_tags(std::string_view text,
                                                               const DmarcLimits& limits) {
  std::vector<RawTag> tags;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_wsp(text[pos])) ++pos;
    if (pos == text.size()) break;
    if (tags.size() >= limits.max_tags) {
      return error(DmarcRecordErrorCode::too_many_tags, pos, std::to_string(limits.max_tags));
    }
    std::size_t name_begin = pos;
    if (!is_alpha(text[pos])) return error(DmarcRecordErrorCode::bad_syntax, pos, "tag name");
    while (pos < text.size() && (is_alpha(text[pos]) || is_digit(text[pos]) || text[pos] == '_')) {
      ++pos;
    }
    std::string_view name = text.substr(name_begin, pos - name_begin);
    while (pos < text.size() && is_wsp(text[pos])) ++pos;
    if (pos == text.size() || text[pos] != '=') {
      return error(DmarcRecordErrorCode::bad_syntax, pos, "'=' after " + std::string(name));
    }
    ++pos;
    std::size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    std::size_t lead = 0;
    while (lead < raw.size() && is_wsp(raw[lead])) ++lead;
    for (const auto& t : tags) {
      if (iequals(t.name, name)) {
        return error(DmarcRecordErrorCode::duplicate_tag, name_begin, std::string(name));
      }
    }
    tags.push_back(RawTag{name, trim_wsp(raw), pos + lead});
    pos = end == text.size() ? end : end + 1;
  }
  return tags;
}

}  // namespace

std::string_view to_string(DmarcPolicy policy) noexcept {
  switch (policy) {
    case DmarcPolicy::none:
      return "none";
    case DmarcPolicy::quarantine:
      return "quarantine";
    case DmarcPolicy::reject:
      return "reject";
  }
  return "none";
}

std::string_view to_string(DmarcAlignment alignment) noexcept {
  return alignment == DmarcAlignment::strict ? "strict" : "relaxed";
}

std::string_view to_string(DmarcRecordErrorCode code) noexcept {
  switch (code) {
    case DmarcRecordErrorCode::too_long:
      return "too_long";
    case DmarcRecordErrorCode::too_many_tags:
      return "too_many_tags";
    case DmarcRecordErrorCode::not_dmarc:
      return "not_dmarc";
    case DmarcRecordErrorCode::bad_syntax:
      return "bad_syntax";
    case DmarcRecordErrorCode::duplicate_tag:
      return "duplicate_tag";
    case DmarcRecordErrorCode::missing_policy:
      return "missing_policy";
    case DmarcRecordErrorCode::invalid_value:
      return "invalid_value";
  }
  return "bad_syntax";
}

std::string DmarcRecordError::describe() const {
  std::string out(to_string(code));
  out += " at byte " + std::to_string(offset);
  if (!detail.empty()) out += ": " + detail;
  return out;
}

bool is_dmarc_record(std::string_view text) noexcept {
  text = trim_wsp(text);
  if (text.empty() || (text.front() != 'v' && text.front() != 'V')) return false;
  text = trim_wsp(text.substr(1));
  if (text.empty() || text.front() != '=') return false;
  text = trim_wsp(text.substr(1));
  if (!text.starts_with("DMARC1")) return false;
  text.remove_prefix(6);
  return text.empty() || is_wsp(text.front()) || text.front() == ';';
}

DmarcRecordResult parse_dmarc_record(std::string_view text, const DmarcLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return error(DmarcRecordErrorCode::too_long, limits.max_bytes, std::to_string(text.size()));
  }
  if (!is_dmarc_record(text)) return error(DmarcRecordErrorCode::not_dmarc, 0, "v=DMARC1 first");
  auto tags = split_tags(text, limits);
  if (!tags) return tl::unexpected(tags.error());
  if (tags->empty() || !iequals(tags->front().name, "v") || tags->front().value != "DMARC1") {
    return error(DmarcRecordErrorCode::not_dmarc, 0, "v=DMARC1 first");
  }
  DmarcRecord record;
  bool policy_ok = false;
  bool subdomain_ok = true;
  std::size_t policy_offset = 0;
  auto invalid = [](const RawTag& t) {
    return error(DmarcRecordErrorCode::invalid_value, t.offset, std::string(t.name));
  };
  for (std::size_t i = 1; i < tags->size(); ++i) {
    const RawTag& t = (*tags)[i];
    if (iequals(t.name, "p")) {
      auto p = parse_policy(t.value);
      policy_ok = p.has_value();
      policy_offset = t.offset;
      if (p) record.policy = *p;
    } else if (iequals(t.name, "sp")) {
      record.subdomain_policy = parse_policy(t.value);
      subdomain_ok = record.subdomain_policy.has_value();
    } else if (iequals(t.name, "pct")) {
      auto n = parse_number<unsigned>(t.value);
      if (!n || *n > 100) return invalid(t);
      record.percent = *n;
    } else if (iequals(t.name, "adkim") || iequals(t.name, "aspf")) {
      auto a = parse_alignment(t.value);
      if (!a) return invalid(t);
      (iequals(t.name, "adkim") ? record.dkim_alignment : record.spf_alignment) = *a;
    } else if (iequals(t.name, "rua") || iequals(t.name, "ruf")) {
      auto list = parse_uri_list(t, limits);
      if (!list) return tl::unexpected(list.error());
      (iequals(t.name, "rua") ? record.aggregate_reports : record.failure_reports) =
          std::move(*list);
    } else if (iequals(t.name, "fo")) {
      if (!valid_keyword_list(t.value, {"0", "1", "d", "s"})) return invalid(t);
      record.failure_options = std::string(t.value);
    } else if (iequals(t.name, "rf")) {
      if (!valid_keyword_list(t.value, {})) return invalid(t);
      record.report_format = std::string(t.value);
    } else if (iequals(t.name, "ri")) {
      auto n = parse_number<std::uint32_t>(t.value);
      if (!n) return invalid(t);
      record.report_interval = *n;
    } else if (iequals(t.name, "v")) {
      return error(DmarcRecordErrorCode::duplicate_tag, t.offset, "v");
    }
    // §6.3: unknown tags MUST be ignored.
  }
  // §6.6.3 step 6: a missing or invalid p= (or an invalid sp=) with a valid
  // rua= reads as p=none; without one, no DMARC processing.
  if (!policy_ok || !subdomain_ok) {
    if (record.aggregate_reports.empty()) {
      return error(DmarcRecordErrorCode::missing_policy, policy_offset,
                   policy_ok ? "invalid sp= and no rua=" : "no valid p= and no rua=");
    }
    record.policy = DmarcPolicy::none;
    record.subdomain_policy.reset();
    record.policy_defaulted = true;
  }
  return record;
}

}  // namespace mailroom::auth
