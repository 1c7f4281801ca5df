// RFC 8579 special-use: fileinto :specialuse and specialuse_exists. Which
// folder carries which attribute is the store's answer
// (RunOptions::special_use_folder): Maildir++ has no attribute file, so
// mailroom deliver maps attributes to folders with maildir.special_use.
#include <algorithm>

#include "sieve/interpreter.hpp"
#include "sieve/structure.hpp"
#include "sieve/validator.hpp"

namespace mailroom::sieve {
namespace {

// RFC 3501 §9: ATOM-CHAR is any CHAR except atom-specials.
bool atom_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7F) return false;
  return std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
}

bool is_inbox(std::string_view name) {
  return name.size() == 5 && std::equal(name.begin(), name.end(), "INBOX", [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

bool valid_special_use(std::string_view attr) {
  return attr.size() >= 2 && attr[0] == '\\' &&
         std::all_of(attr.begin() + 1, attr.end(), atom_char);
}

// fileinto [:specialuse <special-use-attr: string>] <mailbox: string>
// (RFC 8579 §4): the attribute is checked here when it is constant; one
// built from variables is checked when it is known.
bool special_use_tag(Validator& v, const Command& c, std::size_t& i, CompiledCommand& out) {
  const Argument& tag = c.arguments[i];
  v.need("special-use", ":specialuse", tag.position);
  if (out.structure) {
    v.error(DiagnosticKind::duplicate_tag, "fileinto: :specialuse given twice", tag.position);
    return false;
  }
  if (i + 1 >= c.arguments.size() || c.arguments[i + 1].kind != Argument::Kind::string) {
    v.error(DiagnosticKind::bad_arguments, "fileinto: :specialuse needs one string, the attribute",
            tag.position);
    return false;
  }
  const Argument& value = c.arguments[++i];
  auto args = std::make_shared<StructureArgs>();
  args->special_use = value.strings.front();
  v.saw_reference = false;
  if (!v.decode(args->special_use, value.position)) return false;
  args->expands = v.saw_reference;
  if (!args->expands && !valid_special_use(args->special_use)) {
    v.error(DiagnosticKind::bad_arguments,
            "fileinto: '" + args->special_use + "' is not a special-use attribute (RFC 8579 §4)",
            value.position);
    return false;
  }
  out.structure = std::move(args);
  return true;
}

// specialuse_exists [<mailbox: string>] <special-use-attrs: string-list>
// (RFC 8579 §3).
static std::optional<CompiledTest> specialuse_exists(Validator& v, const Test& t) {
  CompiledTest out;
  out.kind = CompiledTest::Kind::specialuse_exists;
  out.position = t.position;
  v.need("special-use", "specialuse_exists", t.position);
  auto args = positional(t.arguments);
  if (args.size() != t.arguments.size()) {
    v.error(DiagnosticKind::unknown_tag, "specialuse_exists: takes no tags", t.position);
    return std::nullopt;
  }
  if (args.empty() || args.size() > 2 || !is_strings(args.back()) || !t.tests.empty() ||
      (args.size() == 2 && args[0]->kind != Argument::Kind::string)) {
    v.error(DiagnosticKind::bad_arguments,
            "specialuse_exists: takes [mailbox] and a list of special-use attributes", t.position);
    return std::nullopt;
  }
  if (args.size() == 2) {
    out.has_mailbox = true;
    if (!v.take_strings(out.names, *args[0], out.expands)) return std::nullopt;
  }
  bool keys_expand = false;
  if (!v.take_strings(out.keys, *args.back(), keys_expand)) return std::nullopt;
  out.expands = out.expands || keys_expand;
  for (const auto& attr : out.keys) {
    if (keys_expand || valid_special_use(attr)) continue;
    v.error(DiagnosticKind::bad_arguments,
            "specialuse_exists: '" + attr + "' is not a special-use attribute (RFC 8579 §3)",
            args.back()->position);
    return std::nullopt;
  }
  return out;
}

bool structure_test(Validator& v, const Test& t, std::optional<CompiledTest>& out) {
  if (mime_test_options(v, t, out)) return true;
  if (t.name != "specialuse_exists") return false;
  out = specialuse_exists(v, t);
  return true;
}

// RFC 8579 §4: "If the special-use attribute is assigned to a mailbox, the
// message is filed into that mailbox"; otherwise into the named one, which
// :create may make. An attribute from variables that is not one is a
// run-time error.
bool Interpreter::special_use_target(const CompiledCommand& c, Action& action) {
  if (!c.structure || c.structure->special_use.empty()) return true;
  std::string attr = c.structure->expands && variables_ ? expand(c.structure->special_use)
                                                        : c.structure->special_use;
  if (!valid_special_use(attr)) {
    fail("fileinto: '" + attr + "' is not a special-use attribute (RFC 8579 §4)", c.position);
    return false;
  }
  action.special_use = attr;
  if (options_.special_use_folder) {
    if (auto folder = options_.special_use_folder(attr)) action.target = std::move(*folder);
  }
  return true;
}

// RFC 8579 §3: without a mailbox, true when each attribute is assigned to
// some existing mailbox; with one, when that mailbox exists and carries
// every attribute.
bool Interpreter::specialuse_exists_test(const CompiledTest& t) {
  for (const auto& attr : t.keys) {
    if (!valid_special_use(attr)) {
      fail("specialuse_exists: '" + attr + "' is not a special-use attribute (RFC 8579 §3)",
           t.position);
      return false;
    }
  }
  for (const auto& attr : t.keys) {
    auto folder = options_.special_use_folder ? options_.special_use_folder(attr) : std::nullopt;
    if (!folder) return false;
    if (!t.has_mailbox) continue;
    const std::string& mailbox = t.names.front();
    bool same = *folder == mailbox || (is_inbox(*folder) && is_inbox(mailbox));
    if (!same) return false;
  }
  return true;
}

std::function<std::optional<std::string>(std::string_view)> special_use_map(
    std::vector<std::string> mapping, std::function<bool(std::string_view)> exists) {
  return [mapping = std::move(mapping),
          exists = std::move(exists)](std::string_view attr) -> std::optional<std::string> {
    for (const auto& entry : mapping) {
      auto eq = entry.find('=');
      if (eq != attr.size()) continue;
      bool same = std::equal(attr.begin(), attr.end(), entry.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
      std::string folder = entry.substr(eq + 1);
      if (same && (is_inbox(folder) || (exists && exists(folder)))) return folder;
    }
    return std::nullopt;
  };
}

}  // namespace mailroom::sieve
