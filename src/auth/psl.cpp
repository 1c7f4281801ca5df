// Public Suffix List: mapping the file, and the publicsuffix.org matching
// algorithm ("Formal algorithm" on the site) over the text; the DAFSA side
// is in psl_dafsa.cpp.
#include "mailroom/auth/psl.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "mailroom/message/address.hpp"
#include "mailroom/util/text.hpp"
#include "psl_dafsa.hpp"

namespace mailroom::auth {

namespace {

constexpr std::string_view kPrivateBegin = "===BEGIN PRIVATE DOMAINS===";

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

// One rule per line, the rule being the line's first word; "//" lines are
// comments. Calls `visit(rule, in_private)` for each rule that ends with
// `tail` (every rule that can match a domain ends with its last label):
// the test is a few bytes per line, so one pass costs tens of microseconds.
template <class Visit>
void for_each_rule(std::string_view text, std::string_view tail, Visit&& visit) {
  bool private_section = false;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* nl =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (nl == nullptr) nl = end;
    std::string_view line(p, static_cast<std::size_t>(nl - p));
    p = nl + 1;
    if (line.empty()) continue;
    if (line.front() == '/') {
      if (!private_section && line.size() > 4 && line[3] == '=' &&
          line.find(kPrivateBegin) != std::string_view::npos) {
        private_section = true;
      }
      continue;
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    // The published list has no text after a rule; a line that does is
    // cut at its first blank (the format's rule) only when it could match.
    if (!line.ends_with(tail) && line.find(' ') == std::string_view::npos) continue;
    std::string_view rule = line.substr(0, line.find_first_of(" \t"));
    if (!rule.empty() && rule.ends_with(tail)) visit(rule, private_section);
  }
}

// `suffix` is `domain` itself or a tail of it starting at a label.
bool is_label_suffix(std::string_view domain, std::string_view suffix) {
  if (suffix.empty() || !domain.ends_with(suffix)) return false;
  return domain.size() == suffix.size() || domain[domain.size() - suffix.size() - 1] == '.';
}

struct Mapping {
  std::shared_ptr<const void> storage;  // unmaps when the last list goes
  std::string_view bytes;
};

// Maps `path` read-only. MAP_POPULATE enters the pages in the page table in
// this one call rather than in page faults on first touch (a text scan
// reads every page, a DAFSA lookup jumps across the file), and a fault
// costs several times what populating a page does.
Result<Mapping> map_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail_errno(ErrorKind::config, "public suffix list " + path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail_errno(ErrorKind::config, "public suffix list " + path, err);
  }
  auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Mapping{};
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  int err = errno;
  ::close(fd);
  if (map == MAP_FAILED) return fail_errno(ErrorKind::config, "public suffix list " + path, err);
  std::shared_ptr<const void> storage(map, [size](const void* p) {
    ::munmap(const_cast<void*>(p), size);  // NOLINT: the mapping we made
  });
  return Mapping{std::move(storage), std::string_view(static_cast<const char*>(map), size)};
}

// The A-label form of a lower-cased domain, for a graph without UTF-8 words.
std::string ascii_form(std::string_view lower) {
  bool ascii = std::all_of(lower.begin(), lower.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(lower);
  return message::domain_to_ascii(lower).value_or(std::string(lower));
}

}  // namespace

struct PublicSuffixList::Memo {
  std::mutex mutex;
  std::map<std::string, std::size_t, std::less<>> labels;
};

PublicSuffixList::PublicSuffixList() : memo_(std::make_shared<Memo>()) {}

PublicSuffixList PublicSuffixList::from_text(std::string text) {
  PublicSuffixList list;
  auto owned = std::make_shared<const std::string>(std::move(text));
  list.text_ = *owned;
  list.storage_ = std::move(owned);
  return list;
}

Result<PublicSuffixList> PublicSuffixList::load(const std::string& path) {
  auto mapping = map_file(path);
  if (!mapping) return tl::unexpected(mapping.error());
  PublicSuffixList list;
  if (psl_dafsa::has_header(mapping->bytes)) {
    auto graph = psl_dafsa::open(mapping->bytes);
    if (!graph) return fail(ErrorKind::config, path + ": " + graph.error().message);
    list.dafsa_ = graph->bytes;
    list.dafsa_utf8_ = graph->utf8;
  } else {
    list.text_ = mapping->bytes;
  }
  list.storage_ = std::move(mapping->storage);
  return list;
}

void PublicSuffixList::use_private_rules(bool yes) {
  private_rules_ = yes;
  memo_ = std::make_shared<Memo>();  // answers under the other setting no longer hold
}

std::size_t PublicSuffixList::rule_count() const {
  std::size_t n = 0;  // and 0 for a DAFSA, whose text_ is empty
  for_each_rule(text_, {}, [&](std::string_view, bool in_private) {
    n += (private_rules_ || !in_private) ? 1 : 0;
  });
  return n;
}

// The prevailing rule: an exception wins, else the rule with the most
// labels, else "*" (one label). One pass over the rules.
std::size_t PublicSuffixList::text_suffix_labels(std::string_view normalised) const {
  std::size_t best = 1;
  std::optional<std::size_t> exception;
  auto dot = normalised.rfind('.');
  std::string_view tld = dot == std::string_view::npos ? normalised : normalised.substr(dot + 1);
  for_each_rule(text_, tld, [&](std::string_view rule, bool in_private) {
    if (in_private && !private_rules_) return;
    if (rule.starts_with("!")) {
      rule.remove_prefix(1);
      if (is_label_suffix(normalised, rule)) exception = count_labels(rule) - 1;
    } else if (rule.starts_with("*.")) {
      rule.remove_prefix(1);  // ".ck": a label must come before it
      if (normalised.size() > rule.size() && normalised.ends_with(rule)) {
        best = std::max(best, count_labels(rule));  // "*.ck" has as many labels as ".ck" parts
      }
    } else if (is_label_suffix(normalised, rule)) {
      best = std::max(best, count_labels(rule));
    }
  });
  return exception ? *exception : best;
}

// A graph in UTF-8 mode holds the U-labels the text has (and A-labels);
// one without holds A-labels only.
std::size_t PublicSuffixList::dafsa_suffix_labels(std::string_view lower,
                                                  std::string_view normalised) const {
  const psl_dafsa::Graph graph{dafsa_, dafsa_utf8_};
  const std::string key = dafsa_utf8_ ? psl_dafsa::encode_key(graph, normalised)
                                      : psl_dafsa::encode_key(graph, ascii_form(lower));
  return psl_dafsa::suffix_labels(graph, key, private_rules_);
}

std::size_t PublicSuffixList::suffix_labels(std::string_view lower,
                                            std::string_view normalised) const {
  if (!dafsa_.empty()) return dafsa_suffix_labels(lower, normalised);
  std::size_t n = 0;
  {
    std::lock_guard lock(memo_->mutex);
    auto it = memo_->labels.find(normalised);
    if (it != memo_->labels.end()) n = it->second;
  }
  if (n == 0) {
    n = std::max<std::size_t>(text_suffix_labels(normalised), 1);
    std::lock_guard lock(memo_->mutex);
    if (memo_->labels.size() < 1024) memo_->labels.emplace(normalised, n);
  }
  return n;
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
  return std::string(last_labels(lower, suffix_labels(lower, normalised)));
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

namespace {

// The default path is Debian's compiled list; the text list beside it
// serves where there is none (older packages) or it cannot be read.
Result<PublicSuffixList> load_or_text_beside(const std::string& path) {
  auto list = PublicSuffixList::load(path);
  constexpr std::string_view kDafsa = ".dafsa";
  if (list || !path.ends_with(kDafsa)) return list;
  auto text = PublicSuffixList::load(path.substr(0, path.size() - kDafsa.size()) + ".dat");
  return text ? std::move(text) : std::move(list);
}

struct SharedLists {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const PublicSuffixList>, std::less<>> by_path;
};

}  // namespace

Result<std::shared_ptr<const PublicSuffixList>> shared_public_suffix_list(const std::string& path) {
  // Immortal on purpose (never deleted, so never unmapped): a delivery
  // process ends right after its message, and munmap at exit would cost a
  // TLB shootdown for memory the kernel frees with the process anyway. It
  // also stays valid for any thread still running while exit() runs the
  // static destructors.
  static auto& shared = *new SharedLists;
  std::lock_guard lock(shared.mutex);
  if (auto it = shared.by_path.find(path); it != shared.by_path.end()) return it->second;
  auto list = load_or_text_beside(path);
  if (!list) return tl::unexpected(list.error());
  auto loaded = std::make_shared<const PublicSuffixList>(std::move(*list));
  shared.by_path.emplace(path, loaded);
  return loaded;
}

}  // namespace mailroom::auth
