// RFC 6609 include: include, return and global. An included script is
// read, compiled and run when the include command runs (§3.2 allows
// either time), by the same interpreter: its actions join the same result
// and it shares the implicit keep; its variables are its own, except the
// ones both scripts declare global (§3.3), which are copied in and out
// at each switch between scripts, so that they behave as one variable.
#include <cerrno>

#include "mailroom/sieve/compile.hpp"
#include "mailroom/util/file.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/structure.hpp"
#include "sieve/validator.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {
namespace {

using Kind = CompiledCommand::Kind;

bool bare(const Command& c) { return c.arguments.empty() && c.tests.empty() && !c.has_block; }

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// include [LOCATION] [":once"] [":optional"] <value: string>;
// LOCATION = ":personal" / ":global" (RFC 6609 §3.2).
std::optional<CompiledCommand> include_command(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = Kind::include;
  out.position = c.position;
  v.need("include", "include", c.position);
  auto args = std::make_shared<StructureArgs>();
  bool location_seen = false;
  std::vector<const Argument*> strings;
  for (const auto& a : c.arguments) {
    if (a.kind != Argument::Kind::tag) {
      strings.push_back(&a);
      continue;
    }
    if (!strings.empty()) {
      v.tag_after_positional(c.name, a);
      return std::nullopt;
    }
    bool location = a.tag == "personal" || a.tag == "global";
    if (!location && a.tag != "once" && a.tag != "optional") {
      v.error(DiagnosticKind::unknown_tag, "include: unknown tag :" + a.tag, a.position);
      return std::nullopt;
    }
    bool& flag = location ? location_seen : a.tag == "once" ? args->once : args->optional;
    if (flag) {
      v.error(DiagnosticKind::duplicate_tag,
              location ? "include: more than one of :personal and :global"
                       : "include: :" + a.tag + " given twice",
              a.position);
      return std::nullopt;
    }
    flag = true;
    args->global = a.tag == "global" || (args->global && !location);
  }
  if (strings.size() != 1 || strings[0]->kind != Argument::Kind::string || !c.tests.empty() ||
      c.has_block) {
    v.error(DiagnosticKind::bad_arguments, "include: takes one string, the script's name",
            c.position);
    return std::nullopt;
  }
  args->name = strings[0]->strings.front();
  v.saw_reference = false;
  if (!v.decode(args->name, strings[0]->position)) return std::nullopt;
  args->expands = v.saw_reference;
  if (!args->expands && !valid_script_name(args->name)) {
    v.error(DiagnosticKind::bad_arguments,
            "include: '" + args->name +
                "' is not a script name (no '/', no '..', no leading '.'; RFC 6609 §3.2)",
            strings[0]->position);
    return std::nullopt;
  }
  out.structure = std::move(args);
  return out;
}

// global <value: string-list> (RFC 6609 §3.3): needs "variables" too.
std::optional<CompiledCommand> global_command(Validator& v, const Command& c) {
  CompiledCommand out;
  out.kind = Kind::global;
  out.position = c.position;
  v.need("include", "global", c.position);
  v.need("variables", "global", c.position);
  auto args = positional(c.arguments);
  if (args.size() != c.arguments.size() || args.size() != 1 || !is_strings(args[0]) ||
      !c.tests.empty() || c.has_block) {
    v.error(DiagnosticKind::bad_arguments, "global: takes one string list, the variable names",
            c.position);
    return std::nullopt;
  }
  auto structure = std::make_shared<StructureArgs>();
  for (const auto& name : args[0]->strings) {
    if (!valid_identifier(name)) {
      v.error(DiagnosticKind::bad_variable, "global: invalid variable name '" + name + "'",
              args[0]->position);
      return std::nullopt;
    }
    structure->names.push_back(lowered(name));
  }
  out.structure = std::move(structure);
  return out;
}

// NAME.sieve of `dir`, compiled; `missing` when there is no such file.
struct Loaded {
  std::optional<Program> program;
  bool missing = false;
  std::string problem;
};

Loaded load_script(const std::string& dir, const std::string& name) {
  Loaded out;
  const Limits limits;
  auto text =
      read_whole_file(dir + "/" + name + ".sieve", limits.max_script_size + 1, ErrorKind::parse);
  if (!text) {
    out.missing = text.error().sys_errno == ENOENT;
    out.problem = text.error().message;
    return out;
  }
  auto program = compile(*text, limits);
  if (!program) {
    const auto& e = program.error().front();
    out.problem = "'" + name + "' does not compile: line " + std::to_string(e.position.line) + ":" +
                  std::to_string(e.position.column) + ": " + e.message;
    return out;
  }
  out.program = std::move(*program);
  return out;
}

struct IncludeChecker {
  const std::string& personal;
  const std::string& global;
  std::size_t max_depth;
  std::vector<std::string> stack;

  std::optional<Diagnostic> check(const std::vector<CompiledCommand>& commands) {
    for (const auto& c : commands) {
      if (auto problem = check(c.block)) return problem;
      if (c.kind != Kind::include || c.structure->expands) continue;
      if (auto problem = check_one(*c.structure)) {
        return Diagnostic{DiagnosticKind::bad_include, "include: " + *problem, c.position};
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> check_one(const StructureArgs& args) {
    const std::string& dir = args.global ? global : personal;
    if (dir.empty()) return std::nullopt;
    std::string key = std::string(args.global ? ":global/" : ":personal/") + args.name;
    if (contains(stack, key)) return "'" + args.name + "' includes itself (RFC 6609 §3.2)";
    if (stack.size() >= max_depth) return "nested more than " + std::to_string(max_depth) + " deep";
    Loaded loaded = load_script(dir, args.name);
    if (!loaded.program) {
      if (loaded.missing && args.optional) return std::nullopt;
      return loaded.problem;
    }
    stack.push_back(key);
    auto problem = check(loaded.program->commands);
    stack.pop_back();
    if (problem) return "in '" + args.name + "': " + problem->message;
    return std::nullopt;
  }
};

}  // namespace

std::optional<Diagnostic> check_includes(const Program& program, const std::string& personal,
                                         const std::string& global, std::size_t max_depth) {
  IncludeChecker checker{personal, global, max_depth, {}};
  return checker.check(program.commands);
}

bool valid_script_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  if (name.find('/') != std::string_view::npos || name.find("..") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u != 0x7F;
  });
}

bool structure_command(Validator& v, const Command& c, std::optional<CompiledCommand>& out) {
  if (c.name == "include") {
    out = include_command(v, c);
  } else if (c.name == "global") {
    out = global_command(v, c);
  } else if (c.name == "return") {
    // return (RFC 6609 §3.4): no arguments.
    v.need("include", "return", c.position);
    if (!bare(c)) {
      v.error(DiagnosticKind::bad_arguments, "return: takes no arguments", c.position);
      out.reset();
      return true;
    }
    out = CompiledCommand{};
    out->kind = Kind::return_;
    out->position = c.position;
  } else if (c.name == "addheader" || c.name == "deleteheader") {
    out = editheader_command(v, c);
  } else if (mime_command(v, c, out)) {
    return true;
  } else {
    return false;
  }
  return true;
}

bool Interpreter::structure(const CompiledCommand& c) {
  switch (c.kind) {
    case Kind::include:
      return include_script(c);
    case Kind::return_:
      // §3.4: ends this script; at the top level it is stop.
      returning_ = true;
      return false;
    case Kind::global:
      declare_globals(c);
      return true;
    case Kind::addheader:
    case Kind::deleteheader:
      return edit_header(c);
    case Kind::foreverypart:
      return for_every_part(c);
    case Kind::break_:
      // RFC 5703 §3.2: unwinds to the loop it names (or the innermost).
      breaking_ = true;
      break_name_ = c.structure->name;
      return false;
    case Kind::extracttext:
      extract_text(c);
      return true;
    default:
      return true;
  }
}

// §3.2: the script comes from the user's directory (:personal, the
// default) or the administrator's (:global). A missing one is a run-time
// error unless :optional; a script that includes itself, directly or
// not, is an error (a loop); :once skips a script already included.
bool Interpreter::include_script(const CompiledCommand& c) {
  const StructureArgs& args = *c.structure;
  auto refuse = [&](const std::string& why) {
    fail("include: " + why, c.position);
    return false;
  };
  std::string name = args.expands && variables_ ? expand(args.name) : args.name;
  if (!valid_script_name(name)) {
    return refuse("'" + name + "' is not a script name (RFC 6609 §3.2)");
  }
  std::string key = std::string(args.global ? ":global/" : ":personal/") + name;
  if (args.once && contains(included_, key)) return true;
  if (contains(include_stack_, key)) {
    return refuse("'" + name + "' includes itself (RFC 6609 §3.2)");
  }
  if (include_stack_.size() >= limits_.max_include_depth) {
    return refuse("nested more than " + std::to_string(limits_.max_include_depth) + " deep");
  }
  if (++includes_ > limits_.max_includes) {
    return refuse("more than " + std::to_string(limits_.max_includes) + " includes");
  }
  auto found = programs_.find(key);
  if (found == programs_.end()) {
    const std::string& dir = args.global ? options_.global_dir : options_.personal_dir;
    if (dir.empty()) {
      if (args.optional) return true;
      return refuse(std::string("no directory for ") + (args.global ? ":global" : ":personal") +
                    " scripts is configured");
    }
    Loaded loaded = load_script(dir, name);
    if (!loaded.program) {
      if (loaded.missing && args.optional) return true;
      return refuse(loaded.problem);
    }
    found =
        programs_.emplace(key, std::make_shared<const Program>(std::move(*loaded.program))).first;
  }
  if (!contains(included_, key)) included_.push_back(key);
  return run_included(*found->second, key);
}

bool Interpreter::run_included(const Program& program, const std::string& key) {
  for (const auto& n : global_names_) globals_[n] = values_[n];
  auto saved_values = std::move(values_);
  auto saved_match = std::move(match_);
  auto saved_globals = std::move(global_names_);
  values_.clear();
  match_.clear();
  global_names_.clear();
  const bool saved_variables = variables_;
  const bool saved_flags = flags_enabled_;
  variables_ = program.variables;
  flags_enabled_ = program.imap4flags;
  include_stack_.push_back(key);
  bool go_on = run(program.commands);
  include_stack_.pop_back();
  if (returning_) {
    returning_ = false;
    go_on = !error_;
  }
  for (const auto& n : global_names_) globals_[n] = values_[n];
  values_ = std::move(saved_values);
  match_ = std::move(saved_match);
  global_names_ = std::move(saved_globals);
  variables_ = saved_variables;
  flags_enabled_ = saved_flags;
  for (const auto& n : global_names_) {
    if (auto g = globals_.find(n); g != globals_.end()) values_[n] = g->second;
  }
  return go_on;
}

// §3.3: from here on the names are the shared variables of that name.
void Interpreter::declare_globals(const CompiledCommand& c) {
  for (const auto& n : c.structure->names) {
    if (!contains(global_names_, n)) global_names_.push_back(n);
    if (auto g = globals_.find(n); g != globals_.end()) values_[n] = g->second;
  }
}

// §3.5: "${global.name}" is the global variable, declared here or not.
std::string_view Interpreter::global_value(std::string_view name) const {
  std::string n = lowered(std::string(name));
  const auto& from = contains(global_names_, n) ? values_ : globals_;
  auto found = from.find(n);
  return found == from.end() ? std::string_view() : std::string_view(found->second);
}

// set "global.name" (§3.5): false when `name` is not in that namespace.
bool Interpreter::set_global(std::string_view name, const std::string& value) {
  constexpr std::string_view kPrefix = "global.";
  if (name.size() <= kPrefix.size() ||
      lowered(std::string(name.substr(0, kPrefix.size()))) != kPrefix)
    return false;
  std::string n = lowered(std::string(name.substr(kPrefix.size())));
  globals_[n] = value;
  if (contains(global_names_, n)) values_[n] = value;
  return true;
}

}  // namespace mailroom::sieve
