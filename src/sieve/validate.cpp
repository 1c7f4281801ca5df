// Validation of commands (RFC 5228 §3, §4; RFC 3894 :copy): require first,
// if/elsif/else chains, action arguments. Tests are in validate_test.cpp.
#include <algorithm>
#include <array>

#include "mailroom/sieve/compile.hpp"
#include "sieve/encoded_character.hpp"
#include "sieve/extlists.hpp"
#include "sieve/flags.hpp"
#include "sieve/sending.hpp"
#include "sieve/strings.hpp"
#include "sieve/structure.hpp"
#include "sieve/validator.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

constexpr std::array<std::string_view, 36> kCapabilities = {"body",
                                                            "comparator-i;ascii-casemap",
                                                            "comparator-i;ascii-numeric",
                                                            "comparator-i;octet",
                                                            "copy",
                                                            "encoded-character",
                                                            "envelope",
                                                            "ereject",
                                                            "fileinto",
                                                            "reject",
                                                            "relational",
                                                            "imap4flags",
                                                            "mailbox",
                                                            "subaddress",
                                                            "variables",
                                                            "vacation",
                                                            "vacation-seconds",
                                                            "enotify",
                                                            "duplicate",
                                                            "fcc",
                                                            "editheader",
                                                            "include",
                                                            "special-use",
                                                            "mime",
                                                            "foreverypart",
                                                            "extracttext",
                                                            "comparator-i;unicode-casemap",
                                                            "date",
                                                            "environment",
                                                            "extlists",
                                                            "ihave",
                                                            "index",
                                                            "regex",
                                                            "spamtest",
                                                            "spamtestplus",
                                                            "virustest"};

using Kind = CompiledCommand::Kind;

std::string quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

}  // namespace

const std::vector<std::string_view>& supported_capabilities() {
  static const std::vector<std::string_view> kList(kCapabilities.begin(), kCapabilities.end());
  return kList;
}

std::vector<const Argument*> positional(const std::vector<Argument>& arguments) {
  std::vector<const Argument*> out;
  for (const auto& a : arguments) {
    if (a.kind != Argument::Kind::tag) out.push_back(&a);
  }
  return out;
}

bool is_strings(const Argument* argument) {
  return argument != nullptr && (argument->kind == Argument::Kind::string ||
                                 argument->kind == Argument::Kind::string_list);
}

bool Validator::check_references(std::string_view value, Position at) {
  if (!required("variables")) return true;
  for (auto ref = next_reference(value, 0); ref; ref = next_reference(value, ref->end)) {
    saw_reference = true;
    auto dot = ref->name.find('.');
    if (dot != std::string_view::npos && !global_namespace(ref->name.substr(0, dot))) {
      error(DiagnosticKind::unknown_namespace,
            "variables: unknown namespace " + quoted(ref->name.substr(0, dot)) + " in '${" +
                std::string(ref->name) + "}'",
            at);
      return false;
    }
  }
  return true;
}

bool Validator::decode(std::string& value, Position at) {
  if (!required("encoded-character")) return check_references(value, at);
  auto decoded = decode_encoded_characters(value);
  if (!decoded) {
    error(DiagnosticKind::bad_encoded_character,
          "encoded-character: a ${unicode:} value outside 0-D7FF and E000-10FFFF", at);
    return false;
  }
  value = std::move(*decoded);
  return check_references(value, at);
}

bool Validator::decode(std::vector<std::string>& values, Position at) {
  for (auto& value : values) {
    if (!decode(value, at)) return false;
  }
  return true;
}

bool Validator::required(std::string_view capability) const {
  return std::find(capabilities_.begin(), capabilities_.end(), capability) != capabilities_.end();
}

void Validator::need(std::string_view capability, std::string_view what, Position at) {
  if (!required(capability)) {
    error(DiagnosticKind::missing_require,
          std::string(what) + " needs require " + quoted(capability), at);
  }
}

// require <capabilities: string-list> (§3.2)
void Validator::require(const Command& command) {
  auto args = positional(command.arguments);
  if (args.size() != 1 || !is_strings(args[0]) || args.size() != command.arguments.size() ||
      !command.tests.empty() || command.has_block) {
    error(DiagnosticKind::bad_arguments, "require takes one string list", command.position);
    return;
  }
  for (const auto& name : args[0]->strings) {
    std::string capability(name);
    if (std::find(kCapabilities.begin(), kCapabilities.end(), capability) == kCapabilities.end()) {
      error(DiagnosticKind::unknown_extension, "require: unknown extension " + quoted(capability),
            args[0]->position);
      continue;
    }
    add_capability(std::move(capability));
  }
}

namespace {

// Shapes shared by keep, discard, stop: no arguments, no tests, no block.
bool bare(const Command& c) { return c.arguments.empty() && c.tests.empty() && !c.has_block; }

}  // namespace

// The tags of keep, fileinto and redirect: :copy (RFC 3894), :flags
// (RFC 5232 §5, keep and fileinto), :create (RFC 5490 §3.2, fileinto). `args` gets the positional
// arguments.
bool Validator::action_tags(const Command& c, CompiledCommand& out,
                            std::vector<const Argument*>& args) {
  const auto& list = c.arguments;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Argument& a = list[i];
    if (a.kind != Argument::Kind::tag) {
      args.push_back(&a);
      continue;
    }
    if (!args.empty()) return tag_after_positional(c.name, a);
    bool flags_tag = a.tag == "flags" && c.name != "redirect";
    bool copy_tag = a.tag == "copy" && c.name != "keep";
    bool create_tag = a.tag == "create" && c.name == "fileinto";
    if (a.tag == "specialuse" && c.name == "fileinto") {
      if (!special_use_tag(*this, c, i, out)) return false;
      continue;
    }
    bool list_tag = a.tag == "list" && c.name == "redirect";
    if (!flags_tag && !copy_tag && !create_tag && !list_tag) {
      error(DiagnosticKind::unknown_tag, c.name + ": unknown tag :" + a.tag, a.position);
      return false;
    }
    if ((copy_tag && out.copy) || (flags_tag && out.has_flags) || (create_tag && out.create) ||
        (list_tag && out.list)) {
      error(DiagnosticKind::duplicate_tag, c.name + ": :" + a.tag + " given twice", a.position);
      return false;
    }
    need(copy_tag     ? "copy"
         : create_tag ? "mailbox"
         : list_tag   ? "extlists"
                      : "imap4flags",
         ":" + a.tag, a.position);
    if (copy_tag || create_tag || list_tag) {
      (copy_tag ? out.copy : create_tag ? out.create : out.list) = true;
      continue;
    }
    if (i + 1 >= list.size() || !is_strings(&list[i + 1])) {
      error(DiagnosticKind::bad_arguments, c.name + ": :flags needs a string list", a.position);
      return false;
    }
    out.has_flags = true;
    out.flags = list[++i].strings;
    if (!decode_flags(out, list[i].position)) return false;
  }
  return true;
}

// Decodes the flags of `out` and warns about a constant flag that is not
// one (RFC 5232 §3: it is ignored when run, as Pigeonhole warns).
bool Validator::decode_flags(CompiledCommand& out, Position at) {
  bool saw = saw_reference;
  saw_reference = false;
  if (!decode(out.flags, at)) return false;
  if (!saw_reference) {
    for (const auto& flag : flag_words(out.flags)) {
      if (!valid_flag(flag)) {
        warn(DiagnosticKind::bad_flag, "'" + flag + "' is not an IMAP flag; it is ignored", at);
        break;
      }
    }
  }
  out.expands = out.expands || saw_reference;
  saw_reference = saw;
  return true;
}

// A variable named by set or the imap4flags commands (RFC 5229 §4): false
// after reporting why it cannot be set. Lower-cases `name`.
bool Validator::settable_variable(std::string& name, std::string_view command, Position at) {
  if (!name.empty() &&
      std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    error(DiagnosticKind::bad_variable,
          std::string(command) + ": cannot assign to the match variable " + quoted(name), at);
    return false;
  }
  auto dot = name.find('.');
  if (dot != std::string::npos && global_namespace(name.substr(0, dot)) &&
      valid_identifier(name.substr(dot + 1))) {
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return true;  // RFC 6609 §3.5: set "global.name"
  }
  if (dot != std::string::npos && valid_identifier(name.substr(0, dot))) {
    error(DiagnosticKind::unknown_namespace,
          std::string(command) + ": unknown namespace " + quoted(name.substr(0, dot)) + " in " +
              quoted(name),
          at);
    return false;
  }
  if (!valid_identifier(name)) {
    error(DiagnosticKind::bad_variable,
          std::string(command) + ": invalid variable name " + quoted(name), at);
    return false;
  }
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (std::find(variable_names_.begin(), variable_names_.end(), name) == variable_names_.end()) {
    if (variable_names_.size() >= limits_.max_variables) {
      error(DiagnosticKind::limit,
            std::string(command) + ": more than " + std::to_string(limits_.max_variables) +
                " variables",
            at);
      return false;
    }
    variable_names_.push_back(name);
  }
  return true;
}

// setflag / addflag / removeflag [<variablename: string>] <list-of-flags>
// (RFC 5232 §3); the variable name only with require "variables".
std::optional<CompiledCommand> Validator::flag_command(const Command& c) {
  CompiledCommand out;
  out.position = c.position;
  out.kind = c.name == "setflag"   ? Kind::setflag
             : c.name == "addflag" ? Kind::addflag
                                   : Kind::removeflag;
  need("imap4flags", c.name, c.position);
  auto args = positional(c.arguments);
  if (args.size() != c.arguments.size()) {
    error(DiagnosticKind::unknown_tag, c.name + ": takes no tags", c.arguments.front().position);
    return std::nullopt;
  }
  if (args.empty() || args.size() > 2 || !is_strings(args.back()) || !c.tests.empty() ||
      c.has_block) {
    error(DiagnosticKind::bad_arguments, c.name + ": takes [variable name] and a list of flags",
          c.position);
    return std::nullopt;
  }
  if (args.size() == 2) {
    if (args[0]->kind != Argument::Kind::string) {
      error(DiagnosticKind::bad_arguments, c.name + ": the variable name is one string",
            args[0]->position);
      return std::nullopt;
    }
    if (!required("variables")) {
      error(DiagnosticKind::missing_require, c.name + ": a variable name needs require 'variables'",
            args[0]->position);
      return std::nullopt;
    }
    out.variable = args[0]->strings.front();
    if (!settable_variable(out.variable, c.name, args[0]->position)) return std::nullopt;
  }
  out.flags = args.back()->strings;
  if (!decode_flags(out, args.back()->position)) return std::nullopt;
  return out;
}

std::optional<CompiledCommand> Validator::command(const Command& c) {
  if (std::optional<CompiledCommand> ext; structure_command(*this, c, ext)) return ext;
  CompiledCommand out;
  out.position = c.position;
  auto bad = [&](std::string message) {
    error(DiagnosticKind::bad_arguments, c.name + ": " + std::move(message), c.position);
    return std::nullopt;
  };
  if (c.name == "if" || c.name == "elsif" || c.name == "else") {
    out.kind = c.name == "if" ? Kind::if_ : c.name == "elsif" ? Kind::elsif : Kind::else_;
    bool wants_test = out.kind != Kind::else_;
    if (!c.arguments.empty() || !c.has_block || c.test_list ||
        c.tests.size() != (wants_test ? 1U : 0U)) {
      return bad(wants_test ? "takes one test and a block" : "takes only a block");
    }
    if (wants_test) {
      out.test = test(c.tests.front());
      if (!out.test) return std::nullopt;
      // RFC 5463 §4: a block that needs an extension we lack never runs.
      if (never_true(c.tests.front())) return out;
    }
    out.block = commands(c.block, false);
    return out;
  }
  if (c.name == "stop" || c.name == "discard") {
    out.kind = c.name == "stop" ? Kind::stop : Kind::discard;
    if (!bare(c)) return bad("takes no arguments");
    return out;
  }
  if (c.name == "keep") {
    out.kind = Kind::keep;
    std::vector<const Argument*> args;
    if (!action_tags(c, out, args)) return std::nullopt;
    if (!args.empty() || !c.tests.empty() || c.has_block) return bad("takes no arguments");
    return out;
  }
  if (c.name == "setflag" || c.name == "addflag" || c.name == "removeflag") {
    return flag_command(c);
  }
  if (c.name == "fileinto" || c.name == "redirect") {
    out.kind = c.name == "fileinto" ? Kind::fileinto : Kind::redirect;
    if (out.kind == Kind::fileinto) need("fileinto", "fileinto", c.position);
    std::vector<const Argument*> args;
    if (!action_tags(c, out, args)) return std::nullopt;
    if (args.size() != 1 || args[0]->kind != Argument::Kind::string || !c.tests.empty() ||
        c.has_block) {
      return bad(out.kind == Kind::fileinto ? "takes one string, the folder"
                                            : "takes one string, the address");
    }
    out.target = args[0]->strings.front();
    saw_reference = false;
    if (!decode(out.target, args[0]->position)) return std::nullopt;
    out.expands = out.expands || saw_reference;
    // An address built from variables is checked when it is known.
    if (out.list && !out.expands && !list_file_name(out.target)) {
      error(DiagnosticKind::unknown_list,
            "redirect :list: " + quoted(out.target) + " is not a list name (\"tag:NAME\")",
            args[0]->position);
      return std::nullopt;
    }
    if (out.kind == Kind::redirect && !out.list && !out.expands &&
        !valid_redirect_address(out.target)) {
      error(DiagnosticKind::bad_address, "redirect: " + quoted(out.target) + " is not an address",
            args[0]->position);
      return std::nullopt;
    }
    return out;
  }
  if (c.name == "set") return set_command(c);
  if (c.name == "vacation") return validate_vacation(*this, c);
  if (c.name == "notify") return validate_notify(*this, c);
  if (c.name == "error") return error_command(c);
  if (c.name == "reject" || c.name == "ereject") {
    // reject <reason: string>, ereject <reason: string> (RFC 5429 §2.1, §2.2)
    out.kind = c.name == "reject" ? Kind::reject : Kind::ereject;
    need(c.name, c.name, c.position);
    auto args = positional(c.arguments);
    if (args.size() != c.arguments.size()) {
      error(DiagnosticKind::unknown_tag, c.name + ": takes no tags", c.arguments.front().position);
      return std::nullopt;
    }
    if (args.size() != 1 || args[0]->kind != Argument::Kind::string || !c.tests.empty() ||
        c.has_block) {
      return bad("takes one string, the reason");
    }
    out.target = args[0]->strings.front();
    saw_reference = false;
    if (!decode(out.target, args[0]->position)) return std::nullopt;
    out.expands = saw_reference;
    return out;
  }
  error(DiagnosticKind::unknown_command, "unknown command " + quoted(c.name), c.position);
  return std::nullopt;
}

// set [MODIFIER] <name: string> <value: string> (RFC 5229 §4)
std::optional<CompiledCommand> Validator::set_command(const Command& c) {
  CompiledCommand out;
  out.kind = Kind::set;
  out.position = c.position;
  need("variables", "set", c.position);
  static constexpr std::pair<std::string_view, unsigned> kModifiers[] = {
      {"lower", set_lower},
      {"upper", set_upper},
      {"lowerfirst", set_lowerfirst},
      {"upperfirst", set_upperfirst},
      {"quotewildcard", set_quotewildcard},
      {"length", set_length},
      {"quoteregex", set_quoteregex}};
  // §4.1: "It is an error to use two or more modifiers of the same
  // precedence in a single set action" (the same one twice too).
  auto precedence_group = [](unsigned bit) {
    return bit == set_lower || bit == set_upper                ? set_lower | set_upper
           : bit == set_lowerfirst || bit == set_upperfirst    ? set_lowerfirst | set_upperfirst
           : bit == set_quotewildcard || bit == set_quoteregex ? set_quotewildcard | set_quoteregex
                                                               : bit;
  };
  bool positional_seen = false;
  for (const auto& a : c.arguments) {
    if (a.kind != Argument::Kind::tag) {
      positional_seen = true;
      continue;
    }
    if (positional_seen) {
      tag_after_positional(c.name, a);
      return std::nullopt;
    }
    const auto* found = std::find_if(std::begin(kModifiers), std::end(kModifiers),
                                     [&](const auto& m) { return m.first == a.tag; });
    if (found == std::end(kModifiers)) {
      error(DiagnosticKind::unknown_tag, "set: unknown tag :" + a.tag, a.position);
      return std::nullopt;
    }
    if ((out.modifiers & precedence_group(found->second)) != 0) {
      error(DiagnosticKind::duplicate_tag,
            "set: :" + a.tag + " has the precedence of a modifier given before (RFC 5229 §4.1)",
            a.position);
      return std::nullopt;
    }
    out.modifiers |= found->second;
    if (found->second == set_quoteregex) need("regex", "set :quoteregex", a.position);
  }
  auto args = positional(c.arguments);
  if (args.size() != 2 || args[0]->kind != Argument::Kind::string ||
      args[1]->kind != Argument::Kind::string || !c.tests.empty() || c.has_block) {
    error(DiagnosticKind::bad_arguments, "set: takes two strings, the name and the value",
          c.position);
    return std::nullopt;
  }
  // §4: "The name MUST be a constant string and conform to the syntax of
  // variable-name. Match variables cannot be set."
  std::string name = args[0]->strings.front();
  if (!settable_variable(name, "set", args[0]->position)) return std::nullopt;
  out.variable = std::move(name);
  out.target = args[1]->strings.front();
  saw_reference = false;
  if (!decode(out.target, args[1]->position)) return std::nullopt;
  out.expands = saw_reference;
  return out;
}

std::vector<CompiledCommand> Validator::commands(const std::vector<Command>& list, bool top_level) {
  std::vector<CompiledCommand> out;
  bool others_seen = false;
  bool chain_open = false;  // the command before was an if or elsif (elsif/else may follow)
  for (const auto& c : list) {
    if (c.name == "require") {
      if (!top_level || others_seen) {
        error(DiagnosticKind::misplaced_require,
              "require must come before any other command (RFC 5228 §3.2)", c.position);
      } else {
        require(c);
      }
      chain_open = false;
      continue;
    }
    others_seen = true;
    if ((c.name == "elsif" || c.name == "else") && !chain_open) {
      error(DiagnosticKind::misplaced_command, c.name + " without a preceding if or elsif",
            c.position);
      continue;
    }
    auto compiled = command(c);
    // A failed if still opens a chain, so its elsif is not reported too.
    chain_open = c.name == "if" || c.name == "elsif";
    if (!compiled) continue;
    compiled->name = c.name;
    out.push_back(std::move(*compiled));
  }
  return out;
}

CompileResult validate(const Script& script, const Limits& limits) {
  Validator v(limits);
  Program program;
  program.commands = v.commands(script.commands, true);
  if (!v.errors().empty()) return tl::unexpected(std::move(v.errors()));
  program.capabilities = v.capabilities();
  program.variables = v.required("variables");
  program.imap4flags = v.required("imap4flags");
  program.edits = v.required("editheader") || v.required("include");
  program.warnings = std::move(v.warnings());
  return program;
}

CompileResult compile(std::string_view text, const Limits& limits) {
  auto script = parse_script(text, limits);
  if (!script) return tl::unexpected(std::vector<Diagnostic>{script.error()});
  return validate(*script, limits);
}

}  // namespace mailroom::sieve
