// The message model shared by every stage (DESIGN.md, "Message"): one
// immutable buffer, parsed once into views. Parsing never throws and never
// fails; a broken message yields a Message whose defects() say what was wrong.
#pragma once

#include <cstddef>
#include <forward_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/address.hpp"
#include "mailroom/message/buffer.hpp"
#include "mailroom/message/date_time.hpp"
#include "mailroom/message/defect.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/message/limits.hpp"
#include "mailroom/message/mime.hpp"

namespace mailroom::message {

// How much Message::parse builds: the header fields only (the root part
// has no children), or the whole MIME tree (still without decoding).
enum class Scope { headers, mime };

class Message {
 public:
  // Parses the header block and (Scope::mime) the MIME structure. Never
  // throws, never fails.
  static Message parse(std::shared_ptr<const Buffer> buffer, const Limits& limits = {},
                       Scope scope = Scope::mime) noexcept;

  [[nodiscard]] std::string_view raw() const noexcept;           // the whole buffer
  [[nodiscard]] std::string_view header_block() const noexcept;  // fields, without the separator
  [[nodiscard]] std::string_view body() const noexcept;          // after the separator line
  [[nodiscard]] std::span<const HeaderField> headers() const noexcept {
    return parts_.front().headers;
  }
  [[nodiscard]] const HeaderField* find(std::string_view name) const noexcept;
  [[nodiscard]] std::vector<const HeaderField*> find_all(std::string_view name) const;
  // Unfolded value of the first field `name`, "" if absent.
  [[nodiscard]] std::string value(std::string_view name) const;
  // False when no blank line separates header and body.
  [[nodiscard]] bool has_separator() const noexcept { return separator_; }

  // Decoded Subject (RFC 2047, unfolded), "" if absent. Decoding defects
  // (bad_encoded_word, bad_charset) are added to *defects if given.
  [[nodiscard]] std::string subject(Defects* defects = nullptr) const;
  // Every address of every field `name` ("To", "Cc", ...), in order, at
  // most limits().max_addresses.
  [[nodiscard]] std::vector<Address> addresses(std::string_view name) const;
  // The addresses of one field (at most limits().max_addresses). A field of
  // headers() is parsed once and kept: authentication, spam scoring and
  // Sieve all read From and To, and parsing them again for each was 8 % of
  // a delivery (callgrind). A field from elsewhere (a MIME part's) is parsed
  // on each call. The reference lives as long as this Message.
  [[nodiscard]] const std::vector<Address>& field_addresses(const HeaderField& field) const;
  // The Date field, parsed; nullopt if absent or unparsable.
  [[nodiscard]] std::optional<DateTime> date() const;

  // MIME tree, document order; parts()[0] is the message itself.
  [[nodiscard]] std::span<const Part> parts() const noexcept { return parts_; }
  [[nodiscard]] const Part& root() const noexcept { return parts_.front(); }
  // Lazy decoding, one part per call (decode.hpp), within limits(). Defects
  // found while decoding (bad_transfer_encoding, bad_charset,
  // decoded_truncated) are added to *defects if given: parse() cannot know
  // them, as it decodes nothing.
  [[nodiscard]] std::string decoded(const Part& part, Defects* defects = nullptr) const;
  [[nodiscard]] std::string text(const Part& part, Defects* defects = nullptr) const;
  // Leaf text parts a reader sees (text/*, not attachments), in order.
  [[nodiscard]] std::vector<const Part*> text_parts() const;
  // The text of every text part, UTF-8, HTML turned to plain text,
  // separated by blank lines; at most limits().max_decoded_size bytes.
  [[nodiscard]] std::string body_text(Defects* defects = nullptr) const;

  [[nodiscard]] const Limits& limits() const noexcept { return limits_; }
  [[nodiscard]] const std::shared_ptr<const Buffer>& buffer() const noexcept { return buffer_; }

  // Degrade flags, for the message and all its parts.
  [[nodiscard]] Defects defects() const noexcept { return defects_; }
  [[nodiscard]] bool has(Defect d) const noexcept { return defects_.has(d); }
  // A limit or a malformed line cut the header block short.
  [[nodiscard]] bool header_truncated() const noexcept { return has(Defect::header_truncated); }
  // Any Limits value was reached while parsing.
  [[nodiscard]] bool limits_hit() const noexcept;

 private:
  Message() = default;  // only parse() makes one: parts_ is never empty

  std::shared_ptr<const Buffer> buffer_;
  Limits limits_;
  std::vector<Part> parts_;  // never empty
  bool separator_ = false;
  Defects defects_;
  // field_addresses(): by index in headers(), and the lists of fields from
  // elsewhere (a forward_list: what it holds never moves, and an empty one
  // allocates nothing, unlike a deque). Filled by const members, so a
  // Message is not for sharing between threads.
  mutable std::vector<std::optional<std::vector<Address>>> field_addresses_;
  mutable std::forward_list<std::vector<Address>> other_addresses_;
};

}  // namespace mailroom::message
