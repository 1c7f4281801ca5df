// The Public Suffix List (https://publicsuffix.org, Debian `publicsuffix`):
// where a domain's registrable part starts, for the DMARC organisational
// domain (RFC 7489 §3.2).
//
// Two forms of the list are read: the text (public_suffix_list.dat) and
// libpsl's compiled DAFSA (public_suffix_list.dafsa), told apart by the
// DAFSA's header. Rules are kept as the file writes them (U-labels, UTF-8);
// queries are brought to the same form (ASCII lower-cased, "xn--" labels
// decoded), and the answer keeps the labels of the query as given (A-labels
// stay A-labels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::auth {

class PublicSuffixList {
 public:
  // An empty list: only the implicit "*" rule (every TLD is a suffix).
  PublicSuffixList();

  // Maps a list (read-only, shared with the page cache): a DAFSA when the
  // file starts with ".DAFSA@PSL_", else the publicsuffix.org text format,
  // where lines are rules or "//" comments and the comment
  // "===BEGIN PRIVATE DOMAINS===" starts the private section. A config error
  // when the file cannot be read or has a DAFSA header we cannot read; past
  // the header a corrupt DAFSA only loses rules, lookup by lookup.
  [[nodiscard]] static Result<PublicSuffixList> load(const std::string& path);
  [[nodiscard]] static PublicSuffixList from_text(std::string text);

  // The public suffix of `domain` under the prevailing rule, in the form of
  // the query (lower-cased); nullopt for an empty label, a leading dot or an
  // empty name.
  [[nodiscard]] std::optional<std::string> public_suffix(std::string_view domain) const;
  // The public suffix plus one label (the "registrable domain", and DMARC's
  // organisational domain); nullopt when `domain` is itself a public suffix.
  [[nodiscard]] std::optional<std::string> registrable_domain(std::string_view domain) const;

  // Rules in a text list (one pass over the text; for tests and logs). 0 for
  // a DAFSA, which keeps no count.
  [[nodiscard]] std::size_t rule_count() const;
  // Whether rules from the private section (e.g. "github.io") count. RFC 7489
  // §3.2 uses the whole list; true by default.
  void use_private_rules(bool yes);

 private:
  // Nothing is built at load time: a delivery asks about a handful of
  // domains. With a DAFSA each question is one graph lookup per suffix of
  // the domain (about a microsecond in all); with the text it is one pass
  // over the mapped text comparing every rule with the suffixes of that
  // domain (about 0.1 ms), instead of hashing 10,000 rules it will never ask
  // about.
  [[nodiscard]] std::size_t suffix_labels(std::string_view lower,
                                          std::string_view normalised) const;
  [[nodiscard]] std::size_t text_suffix_labels(std::string_view normalised) const;
  [[nodiscard]] std::size_t dafsa_suffix_labels(std::string_view lower,
                                                std::string_view normalised) const;

  std::shared_ptr<const void> storage_;  // owns the bytes text_ or dafsa_ views
  std::string_view text_;                // the text list, or empty
  std::string_view dafsa_;               // the DAFSA graph (header off), or empty
  bool dafsa_utf8_ = false;              // the graph holds UTF-8 words too
  bool private_rules_ = true;
  // Answers already found from the text (normalised domain -> suffix
  // labels): DMARC asks about the same few domains again and again.
  struct Memo;
  std::shared_ptr<Memo> memo_;
};

// One list per path per process, loaded on first use and then shared
// (thread-safe). A delivery process loads it at most once, and the list
// lives until the process ends. When `path` names a ".dafsa" that cannot be
// loaded (Debian's `publicsuffix` package before it shipped one, a
// corrupt file), the ".dat" beside it is loaded instead.
[[nodiscard]] Result<std::shared_ptr<const PublicSuffixList>> shared_public_suffix_list(
    const std::string& path);

}  // namespace mailroom::auth
