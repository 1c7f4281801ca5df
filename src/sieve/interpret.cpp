// Running commands (RFC 5228 §3, §4; RFC 3894). Tests: evaluate_test.cpp.
#include "mailroom/sieve/interpret.hpp"

#include <algorithm>
#include <string>

#include "sieve/flags.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/strings.hpp"
#include "sieve/variables.hpp"

namespace mailroom::sieve {

std::string_view to_string(ActionKind kind) noexcept {
  switch (kind) {
    case ActionKind::keep:
      return "keep";
    case ActionKind::fileinto:
      return "fileinto";
    case ActionKind::redirect:
      return "redirect";
    case ActionKind::discard:
      return "discard";
    case ActionKind::reject:
      return "reject";
    case ActionKind::ereject:
      return "ereject";
    case ActionKind::vacation:
      return "vacation";
    case ActionKind::notify:
      return "notify";
  }
  return "keep";
}

namespace {

Action make_action(ActionKind kind, Position at, std::string target = {}, bool copy = false) {
  Action a;
  a.kind = kind;
  a.position = at;
  a.target = std::move(target);
  a.copy = copy;
  return a;
}

Action implicit_keep(std::vector<std::string> flags = {}) {
  Action a = make_action(ActionKind::keep, Position{0, 0});
  a.implicit = true;
  a.flags = std::move(flags);
  return a;
}

}  // namespace

bool Interpreter::step(Position at) {
  if (error_) return false;
  if (++steps_ > limits_.max_steps) {
    fail("script ran more than " + std::to_string(limits_.max_steps) + " steps", at);
    return false;
  }
  return true;
}

void Interpreter::fail(std::string message, Position at) {
  if (!error_) error_ = Diagnostic{DiagnosticKind::runtime, std::move(message), at};
}

// §2.10.3: the same action twice is done once; a fileinto or redirect
// that repeats a :copy one takes over its cancelling of the implicit keep.
namespace {

bool delivers(ActionKind kind) {
  return kind == ActionKind::keep || kind == ActionKind::fileinto || kind == ActionKind::redirect;
}
bool refuses(ActionKind kind) { return kind == ActionKind::reject || kind == ActionKind::ereject; }

// Two notify actions are one only when they would send the same thing.
bool same_notify(const Action& a, const Action& b) {
  if (!a.notify || !b.notify) return true;
  return a.notify->from == b.notify->from && a.notify->importance == b.notify->importance &&
         a.notify->message == b.notify->message && a.notify->options == b.notify->options;
}

}  // namespace

// RFC 5429 §2.1: "Implementations MUST prohibit the use of reject/ereject
// with actions that cause mail delivery" (keep, fileinto, redirect, with
// or without :copy) and a second reject; a run-time error, as Pigeonhole
// reports it, so the message is kept. discard may go with it.
bool Interpreter::conflicts(const Action& action) {
  for (const auto& a : actions_) {
    // A refusal answers the sender; so does vacation: one answer only (as
    // Pigeonhole, RFC 5429 §2.1 "actions that ... send a response").
    bool answers = action.kind == ActionKind::vacation || a.kind == ActionKind::vacation;
    bool clash = (refuses(action.kind) && (delivers(a.kind) || refuses(a.kind))) ||
                 (delivers(action.kind) && refuses(a.kind)) ||
                 (answers && (refuses(action.kind) || refuses(a.kind)));
    if (!clash) continue;
    fail(std::string(to_string(action.kind)) + " conflicts with the " +
             std::string(to_string(a.kind)) + " of line " + std::to_string(a.position.line) +
             " (RFC 5429 §2.1)",
         action.position);
    return true;
  }
  return false;
}

void Interpreter::add(Action action) {
  if (conflicts(action)) return;
  auto same = std::find_if(actions_.begin(), actions_.end(), [&](const Action& a) {
    return a.kind == action.kind && a.target == action.target && same_notify(a, action);
  });
  if (same != actions_.end()) {
    same->copy = same->copy && action.copy;
    // The flags are those of the last one, as Pigeonhole stores it.
    same->flags = std::move(action.flags);
    // Either one's :create makes the folder (RFC 5490 §3.2: the script
    // asked for it; Pigeonhole keeps only the first one's).
    same->create = same->create || action.create;
    return;
  }
  if (actions_.size() >= limits_.max_actions) {
    fail("more than " + std::to_string(limits_.max_actions) + " actions", action.position);
    return;
  }
  if (action.kind == ActionKind::redirect && ++redirects_ > limits_.max_redirects) {
    fail("more than " + std::to_string(limits_.max_redirects) + " redirects", action.position);
    return;
  }
  actions_.push_back(std::move(action));
}

std::string Interpreter::expand(std::string_view text) const {
  return expand_references(text, [&](const VariableRef& ref) -> std::string_view {
    if (ref.numeric) {
      // ${0001} is ${1}; past the last one set, or past 32, it is empty.
      std::size_t index = 0;
      for (char digit : ref.name) {
        index = index * 10 + static_cast<std::size_t>(digit - '0');
        if (index > kMaxMatchIndex) return "";
      }
      return index < match_.size() ? std::string_view(match_[index]) : "";
    }
    // §3: names are case-insensitive; one never set is empty. Namespaced
    // names never get here: the validator refuses them.
    std::string name(ref.name);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.rfind("global.", 0) == 0) return global_value(name.substr(7));  // RFC 6609 §3.5
    auto found = values_.find(name);
    return found == values_.end() ? std::string_view() : std::string_view(found->second);
  });
}

CompiledTest Interpreter::expanded(const CompiledTest& t) const {
  CompiledTest out = t;
  for (auto& name : out.names) name = expand(name);
  for (auto& key : out.keys) key = expand(key);
  return out;
}

// RFC 5229 §4: set expands its value, then applies the modifiers.
void Interpreter::set_variable(const CompiledCommand& c) {
  std::string value = c.expands ? expand(c.target) : c.target;
  value = apply_modifiers(std::move(value), c.modifiers);
  truncate_utf8(value, limits_.max_variable_size);
  if (set_global(c.variable, value)) return;
  values_[c.variable] = std::move(value);
}

// RFC 5232 §3: setflag replaces, addflag adds, removeflag removes, in
// the named variable or the internal one.
void Interpreter::change_flags(const CompiledCommand& c) {
  std::vector<std::string> flags = c.flags;
  if (variables_ && c.expands) {
    for (auto& flag : flags) flag = expand(flag);
  }
  std::string& list = c.variable.empty() ? internal_flags_ : values_[c.variable];
  if (c.kind == CompiledCommand::Kind::setflag) {
    list = add_flags({}, flags);
  } else if (c.kind == CompiledCommand::Kind::addflag) {
    list = add_flags(std::move(list), flags);
  } else {
    list = remove_flags(list, flags);
  }
  truncate_utf8(list, limits_.max_variable_size);
}

// RFC 5232 §5: :flags, else the internal variable as it is now.
std::vector<std::string> Interpreter::flags_for(const CompiledCommand& c) const {
  if (!flags_enabled_) return {};
  if (!c.has_flags) return action_flags(internal_flags_);
  std::string list;
  for (const auto& flag : c.flags) {
    list.append(variables_ && c.expands ? expand(flag) : flag).push_back(' ');
  }
  return action_flags(list);
}

bool Interpreter::execute(const CompiledCommand& c) {
  using Kind = CompiledCommand::Kind;
  switch (c.kind) {
    case Kind::stop:
      return false;
    case Kind::keep: {
      implicit_keep_ = false;
      Action keep = make_action(ActionKind::keep, c.position);
      keep.flags = flags_for(c);
      add(std::move(keep));
      break;
    }
    case Kind::discard:
      implicit_keep_ = false;  // §4.5: discard only cancels the implicit keep
      add(make_action(ActionKind::discard, c.position));
      break;
    case Kind::fileinto:
    case Kind::redirect: {
      std::string target = variables_ && c.expands ? expand(c.target) : c.target;
      if (c.list) {
        redirect_to_list(c, target);
        break;
      }
      // A redirect address built from variables is checked here, as the
      // validator checks a constant one (RFC 5228 §4.2).
      if (c.kind == Kind::redirect && c.expands && !valid_redirect_address(target)) {
        fail("redirect: '" + target + "' is not an address", c.position);
        break;
      }
      // RFC 3894 §3: with :copy the implicit keep is not cancelled.
      if (!c.copy) implicit_keep_ = false;
      Action action =
          make_action(c.kind == Kind::fileinto ? ActionKind::fileinto : ActionKind::redirect,
                      c.position, std::move(target), c.copy);
      if (c.kind == Kind::fileinto) action.flags = flags_for(c);
      action.create = c.create;
      if (!special_use_target(c, action)) break;
      add(std::move(action));
      break;
    }
    case Kind::setflag:
    case Kind::addflag:
    case Kind::removeflag:
      change_flags(c);
      break;
    case Kind::reject:
    case Kind::ereject: {
      // RFC 5429 §2.1: a refused message is not kept.
      implicit_keep_ = false;
      Action refusal = make_action(
          c.kind == Kind::reject ? ActionKind::reject : ActionKind::ereject, c.position);
      refusal.reason = variables_ && c.expands ? expand(c.target) : c.target;
      add(std::move(refusal));
      break;
    }
    case Kind::set:
      set_variable(c);
      break;
    case Kind::vacation:
      vacation(c);
      break;
    case Kind::notify:
      notify(c);
      break;
    case Kind::include:
    case Kind::return_:
    case Kind::global:
    case Kind::addheader:
    case Kind::deleteheader:
    case Kind::foreverypart:
    case Kind::break_:
    case Kind::extracttext:
      return structure(c) && !error_;
    case Kind::error:
      // RFC 5463 §5: the script ends in an error, its actions dropped.
      fail(variables_ && c.expands ? expand(c.target) : c.target, c.position);
      break;
    case Kind::if_:
    case Kind::elsif:
    case Kind::else_:
      break;  // run() handles the chain
  }
  return !error_;
}

bool Interpreter::run(const std::vector<CompiledCommand>& commands) {
  using Kind = CompiledCommand::Kind;
  bool chain_taken = false;  // a branch of the current if/elsif/else ran
  for (const auto& c : commands) {
    if (!step(c.position)) return false;
    if (c.kind == Kind::if_ || c.kind == Kind::elsif || c.kind == Kind::else_) {
      if (c.kind == Kind::if_) chain_taken = false;
      if (chain_taken) continue;
      bool take = c.kind == Kind::else_ || evaluate(*c.test);
      if (error_) return false;
      if (!take) continue;
      chain_taken = true;
      if (c.kind == Kind::else_ && options_.trace) trace_command(c);
      if (!run(c.block)) return false;
      continue;
    }
    if (options_.trace) trace_command(c);
    if (!execute(c)) return false;
  }
  return true;
}

Outcome Interpreter::finish() {
  Outcome out;
  if (error_) {
    // §2.10.6: on a run-time error the message is kept, nothing else done.
    out.error = error_;
    out.actions.push_back(implicit_keep());
    return out;
  }
  out.actions = std::move(actions_);
  out.duplicates = std::move(duplicate_marks_);
  out.edits = std::move(edits_);  // RFC 5293: dropped with the actions after an error
  if (edited_) out.message = std::string(message_.raw());
  if (implicit_keep_) {
    // RFC 5232 §5: the implicit keep stores the internal variable's flags.
    out.actions.push_back(implicit_keep(action_flags(internal_flags_)));
  }
  return out;
}

Outcome run(const Program& program, const message::Message& message, const Envelope& envelope,
            const RunOptions& options) {
  // RFC 5293: a script that may edit the message works on its own copy.
  std::optional<message::Message> editable;
  if (program.edits) editable = message;
  Interpreter interpreter(editable ? *editable : message, envelope, options);
  if (editable) interpreter.allow_edits(&*editable);
  if (program.variables) interpreter.enable_variables();
  if (program.imap4flags) interpreter.enable_flags();
  (void)interpreter.run(program.commands);
  return interpreter.finish();
}

}  // namespace mailroom::sieve
