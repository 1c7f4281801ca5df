// Tagged arguments of vacation, notify and duplicate, read once: each tag
// at most once, with the value its RFC gives it, before the positional
// arguments. The :fcc group of RFC 8580 is read here too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/validator.hpp"

namespace mailroom::sieve {

enum class TagValue { none, string, strings, number };

struct TagSpec {
  std::string_view name;
  TagValue value;
};

struct ReadTags {
  std::map<std::string, const Argument*, std::less<>> values;  // tag -> its value (or the tag)
  std::vector<const Argument*> positional;
  [[nodiscard]] bool has(std::string_view tag) const { return values.count(tag) != 0; }
  // The value of a string tag, decoded; "" when absent.
  std::string string(std::string_view tag) const;
};

// False after an error (unknown tag, a tag twice, a missing value, a tag
// after the positional arguments).
bool read_send_tags(Validator& v, const std::string& name, const std::vector<Argument>& arguments,
                    const std::vector<TagSpec>& specs, ReadTags& out);

// The tags every action with :fcc takes (RFC 8580 §4): :fcc, :create,
// :flags. Appended to a command's own specs.
void add_fcc_specs(std::vector<TagSpec>& specs);

// RFC 8580 §4, §6: :fcc needs require "fcc"; :create ("mailbox") and
// :flags ("imap4flags") only with :fcc. Fills `fcc` when :fcc is given;
// `expands` is set when a string holds a variable reference.
bool read_fcc(Validator& v, const std::string& name, const ReadTags& tags, std::optional<Fcc>& fcc,
              bool& expands);

// Decodes a string (encoded-character) and notes a variable reference.
bool decode_value(Validator& v, std::string& value, Position at, bool& expands);

}  // namespace mailroom::sieve
