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
#include <unordered_map>

#include "mailroom/util/result.hpp"

namespace mailroom::auth {

class PublicSuffixList {
 public:
  // An empty list: only the implicit "*" rule (every TLD is a suffix).
  PublicSuffixList();

  // Reads a list in the publicsuffix.org format. Lines are rules or "//"
  // comments; the "===BEGIN PRIVATE DOMAINS===" comment starts the private
  // section.
  [[nodiscard]] static Result<PublicSuffixList> load(const std::string& path);
  [[nodiscard]] static PublicSuffixList from_text(std::string text);

  // The public suffix of `domain` under the prevailing rule, in the form of
  // the query (lower-cased); nullopt for an empty label, a leading dot or an
  // empty name.
  [[nodiscard]] std::optional<std::string> public_suffix(std::string_view domain) const;
  // The public suffix plus one label (the "registrable domain", and DMARC's
  // organisational domain); nullopt when `domain` is itself a public suffix.
  [[nodiscard]] std::optional<std::string> registrable_domain(std::string_view domain) const;

  [[nodiscard]] std::size_t rule_count() const noexcept { return rules_.size(); }
  // Whether rules from the private section (e.g. "github.io") count. RFC 7489
  // §3.2 uses the whole list; true by default.
  void use_private_rules(bool yes) noexcept { private_rules_ = yes; }

 private:
  enum Flag : std::uint8_t { normal = 1, wildcard = 2, exception = 4, in_private = 8 };
  void parse();
  [[nodiscard]] std::uint8_t flags(std::string_view rule) const;
  // Number of labels of the public suffix of the normalised `labels`.
  [[nodiscard]] std::size_t suffix_labels(std::string_view normalised) const;

  std::shared_ptr<const std::string> text_;  // keys of rules_ point into it
  std::unordered_map<std::string_view, std::uint8_t> rules_;
  bool private_rules_ = true;
};

// One list per path per process, loaded on first use and then shared
// (thread-safe). A delivery process loads it at most once.
[[nodiscard]] Result<std::shared_ptr<const PublicSuffixList>> shared_public_suffix_list(
    const std::string& path);

}  // namespace mailroom::auth
