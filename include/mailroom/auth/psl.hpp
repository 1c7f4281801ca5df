// The Public Suffix List (https://publicsuffix.org, Debian `publicsuffix`):
// where a domain's registrable part starts, for the DMARC organisational
// domain (RFC 7489 §3.2).
//
// Rules are kept as the file writes them (U-labels, UTF-8); queries are
// brought to the same form (ASCII lower-cased, "xn--" labels decoded), and
// the answer keeps the labels of the query as given (A-labels stay A-labels).
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

  // Maps a list in the publicsuffix.org format (read-only, shared with the
  // page cache). Lines are rules or "//" comments; the comment
  // "===BEGIN PRIVATE DOMAINS===" starts the private section.
  [[nodiscard]] static Result<PublicSuffixList> load(const std::string& path);
  [[nodiscard]] static PublicSuffixList from_text(std::string text);

  // The public suffix of `domain` under the prevailing rule, in the form of
  // the query (lower-cased); nullopt for an empty label, a leading dot or an
  // empty name.
  [[nodiscard]] std::optional<std::string> public_suffix(std::string_view domain) const;
  // The public suffix plus one label (the "registrable domain", and DMARC's
  // organisational domain); nullopt when `domain` is itself a public suffix.
  [[nodiscard]] std::optional<std::string> registrable_domain(std::string_view domain) const;

  // Rules in the list (one pass over the text; for tests and logs).
  [[nodiscard]] std::size_t rule_count() const;
  // Whether rules from the private section (e.g. "github.io") count. RFC 7489
  // §3.2 uses the whole list; true by default.
  void use_private_rules(bool yes);

 private:
  // Nothing is built at load time: a delivery asks about a handful of
  // domains, so each question is one pass over the mapped text comparing
  // every rule with the suffixes of that domain (about 0.1 ms), instead of
  // hashing 10,000 rules it will never ask about.
  [[nodiscard]] std::size_t suffix_labels(std::string_view normalised) const;

  std::shared_ptr<const void> storage_;  // owns the bytes text_ views
  std::string_view text_;
  bool private_rules_ = true;
  // Answers already found (normalised domain -> suffix labels): DMARC asks
  // about the same few domains again and again.
  struct Memo;
  std::shared_ptr<Memo> memo_;
};

// One list per path per process, loaded on first use and then shared
// (thread-safe). A delivery process loads it at most once.
[[nodiscard]] Result<std::shared_ptr<const PublicSuffixList>> shared_public_suffix_list(
    const std::string& path);

}  // namespace mailroom::auth
