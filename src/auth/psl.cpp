// Public Suffix List: parsing into a hash of views over the file text, and
// the publicsuffix.org matching algorithm ("Formal algorithm" on the site).
#include "mailroom/auth/psl.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "mailroom/message/address.hpp"

namespace mailroom::auth {

namespace {

constexpr std::string_view kPrivateBegin = "===BEGIN PRIVATE DOMAINS===";

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Labels must be non-empty: "", ".com", "a..b" have no suffix.
bool has_empty_label(std::string_view domain) {
  if (domain.empty() || domain.front() == '.' || domain.back() == '.') return true;
  return domain.find("..") != std::string_view::npos;
}

std::size_t count_labels(std::string_view domain) {
  std::size_t n = 1;
  for (char c : domain) n += c == '.' ? 1 : 0;
  return n;
}

// The last `n` labels of `domain`.
std::string_view last_labels(std::string_view domain, std::size_t n) {
  std::size_t pos = domain.size();
  while (n > 0) {
    std::size_t dot = pos == 0 ? std::string_view::npos : domain.rfind('.', pos - 1);
    if (dot == std::string_view::npos) return domain;
    pos = dot;
    --n;
  }
  return domain.substr(pos + 1);
}

std::string_view parent(std::string_view domain) {
  auto dot = domain.find('.');
  return dot == std::string_view::npos ? std::string_view{} : domain.substr(dot + 1);
}

}  // namespace

PublicSuffixList::PublicSuffixList() : text_(std::make_shared<const std::string>()) {}

PublicSuffixList PublicSuffixList::from_text(std::string text) {
  PublicSuffixList list;
  list.text_ = std::make_shared<const std::string>(std::move(text));
  list.parse();
  return list;
}

Result<PublicSuffixList> PublicSuffixList::load(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return fail_errno(ErrorKind::config, "public suffix list " + path, errno);
  std::string text;
  char chunk[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, file)) > 0) text.append(chunk, n);
  bool bad = std::ferror(file) != 0;
  std::fclose(file);  // NOLINT(cert-err33-c): read-only, nothing to flush
  if (bad) return fail(ErrorKind::config, "public suffix list " + path + ": read error");
  return from_text(std::move(text));
}

// One pass over the text; each rule is the first word of its line.
void PublicSuffixList::parse() {
  std::string_view text = *text_;
  rules_.reserve(text.size() / 12);
  bool private_section = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with("//")) {
      if (line.find(kPrivateBegin) != std::string_view::npos) private_section = true;
      continue;
    }
    std::size_t word_end = line.find_first_of(" \t\r");
    std::string_view rule = line.substr(0, word_end);
    if (rule.empty()) continue;
    std::uint8_t flag = Flag::normal;
    if (rule.starts_with("!")) {
      flag = Flag::exception;
      rule.remove_prefix(1);
    } else if (rule.starts_with("*.")) {
      flag = Flag::wildcard;
      rule.remove_prefix(2);
    }
    if (rule.empty()) continue;
    rules_[rule] |= static_cast<std::uint8_t>(flag | (private_section ? Flag::in_private : 0));
  }
}

std::uint8_t PublicSuffixList::flags(std::string_view rule) const {
  auto it = rules_.find(rule);
  if (it == rules_.end()) return 0;
  if (!private_rules_ && (it->second & Flag::in_private) != 0) return 0;
  return it->second;
}

// The prevailing rule: an exception wins, else the rule with the most
// labels, else "*" (one label).
std::size_t PublicSuffixList::suffix_labels(std::string_view normalised) const {
  std::size_t total = count_labels(normalised);
  std::size_t best = 1;
  std::string_view suffix = normalised;
  for (std::size_t labels = total; labels >= 1; --labels, suffix = parent(suffix)) {
    std::uint8_t own = flags(suffix);
    if ((own & Flag::exception) != 0) return labels - 1;
    if (best < labels) {
      std::string_view up = parent(suffix);
      bool wild = !up.empty() && (flags(up) & Flag::wildcard) != 0;
      if ((own & Flag::normal) != 0 || wild) best = labels;
    }
  }
  return best;
}

std::optional<std::string> PublicSuffixList::public_suffix(std::string_view domain) const {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);  // absolute name
  if (has_empty_label(domain)) return std::nullopt;
  std::string lower = ascii_lower(domain);
  // Rules are U-labels: decode "xn--" labels of the query to compare alike.
  std::string normalised = lower;
  if (lower.find("xn--") != std::string::npos) {
    if (auto u = message::domain_to_unicode(lower)) normalised = std::move(*u);
  }
  std::size_t n = std::max<std::size_t>(suffix_labels(normalised), 1);
  return std::string(last_labels(lower, n));
}

std::optional<std::string> PublicSuffixList::registrable_domain(std::string_view domain) const {
  auto suffix = public_suffix(domain);
  if (!suffix) return std::nullopt;
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  std::string lower = ascii_lower(domain);
  std::size_t n = count_labels(*suffix);
  if (count_labels(lower) <= n) return std::nullopt;
  return std::string(last_labels(lower, n + 1));
}

Result<std::shared_ptr<const PublicSuffixList>> shared_public_suffix_list(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const PublicSuffixList>> lists;
  std::lock_guard lock(mutex);
  if (auto it = lists.find(path); it != lists.end()) return it->second;
  auto list = PublicSuffixList::load(path);
  if (!list) return tl::unexpected(list.error());
  auto shared = std::make_shared<const PublicSuffixList>(std::move(*list));
  lists.emplace(path, shared);
  return shared;
}

}  // namespace mailroom::auth
