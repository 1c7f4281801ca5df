// Tag reading for vacation, notify and duplicate, and RFC 8580 :fcc.
#include "sieve/send_tags.hpp"

#include <algorithm>

#include "sieve/flags.hpp"
#include "sieve/structure.hpp"

namespace mailroom::sieve {

std::string ReadTags::string(std::string_view tag) const {
  auto found = values.find(tag);
  if (found == values.end() || found->second->strings.empty()) return {};
  return found->second->strings.front();
}

bool decode_value(Validator& v, std::string& value, Position at, bool& expands) {
  v.saw_reference = false;
  if (!v.decode(value, at)) return false;
  expands = expands || v.saw_reference;
  return true;
}

namespace {

bool value_fits(const Argument& value, TagValue wanted) {
  switch (wanted) {
    case TagValue::none:
      return true;
    case TagValue::string:
      return value.kind == Argument::Kind::string;
    case TagValue::strings:
      return value.kind == Argument::Kind::string || value.kind == Argument::Kind::string_list;
    case TagValue::number:
      return value.kind == Argument::Kind::number;
  }
  return false;
}

std::string_view value_name(TagValue wanted) {
  switch (wanted) {
    case TagValue::string:
      return "a string";
    case TagValue::strings:
      return "a string list";
    case TagValue::number:
      return "a number";
    case TagValue::none:
      break;
  }
  return "nothing";
}

}  // namespace

bool read_send_tags(Validator& v, const std::string& name, const std::vector<Argument>& arguments,
                    const std::vector<TagSpec>& specs, ReadTags& out) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const Argument& a = arguments[i];
    if (a.kind != Argument::Kind::tag) {
      out.positional.push_back(&a);
      continue;
    }
    if (!out.positional.empty()) return v.tag_after_positional(name, a);
    auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const TagSpec& s) { return s.name == a.tag; });
    if (spec == specs.end()) {
      v.error(DiagnosticKind::unknown_tag, name + ": unknown tag :" + a.tag, a.position);
      return false;
    }
    if (out.has(a.tag)) {
      v.error(DiagnosticKind::duplicate_tag, name + ": :" + a.tag + " given twice", a.position);
      return false;
    }
    if (spec->value == TagValue::none) {
      out.values[a.tag] = &a;
      continue;
    }
    if (i + 1 >= arguments.size() || !value_fits(arguments[i + 1], spec->value)) {
      v.error(DiagnosticKind::bad_arguments,
              name + ": :" + a.tag + " needs " + std::string(value_name(spec->value)), a.position);
      return false;
    }
    out.values[a.tag] = &arguments[++i];
  }
  return true;
}

void add_fcc_specs(std::vector<TagSpec>& specs) {
  specs.push_back({"fcc", TagValue::string});
  specs.push_back({"create", TagValue::none});
  specs.push_back({"flags", TagValue::strings});
  specs.push_back({"specialuse", TagValue::string});
}

// :fcc <mailbox> :specialuse <attr> (RFC 8579 §4.1): the copy goes to the
// folder that carries the attribute, else to the named one. A constant
// attribute is checked here, one built from variables when it is known.
static bool read_fcc_special_use(Validator& v, const std::string& name, const Argument& value,
                                 Fcc& out, bool& expands) {
  v.need("special-use", ":specialuse", value.position);
  out.special_use = value.strings.front();
  bool attr_expands = false;
  if (!decode_value(v, out.special_use, value.position, attr_expands)) return false;
  expands = expands || attr_expands;
  if (!attr_expands && !valid_special_use(out.special_use)) {
    v.error(DiagnosticKind::bad_arguments,
            name + ": '" + out.special_use + "' is not a special-use attribute (RFC 8579 §4)",
            value.position);
    return false;
  }
  return true;
}

bool read_fcc(Validator& v, const std::string& name, const ReadTags& tags, std::optional<Fcc>& fcc,
              bool& expands) {
  if (!tags.has("fcc")) {
    // RFC 8580 §4: :create and :flags go with :fcc here; so does
    // :specialuse (RFC 8579 §4.1).
    for (std::string_view tag : {"create", "flags", "specialuse"}) {
      if (tags.has(tag)) {
        v.error(DiagnosticKind::bad_arguments,
                name + ": :" + std::string(tag) + " is allowed only with :fcc (RFC 8580 §4)",
                tags.values.at(std::string(tag))->position);
        return false;
      }
    }
    return true;
  }
  const Argument* folder = tags.values.at("fcc");
  v.need("fcc", ":fcc", folder->position);
  Fcc out;
  out.folder = folder->strings.front();
  if (!decode_value(v, out.folder, folder->position, expands)) return false;
  if (tags.has("create")) {
    v.need("mailbox", ":create", tags.values.at("create")->position);
    out.create = true;
  }
  if (tags.has("flags")) {
    const Argument* flags = tags.values.at("flags");
    v.need("imap4flags", ":flags", flags->position);
    out.flags = flags->strings;
    for (auto& flag : out.flags)
      if (!decode_value(v, flag, flags->position, expands)) return false;
  }
  if (tags.has("specialuse") &&
      !read_fcc_special_use(v, name, *tags.values.at("specialuse"), out, expands))
    return false;
  fcc = std::move(out);
  return true;
}

}  // namespace mailroom::sieve
