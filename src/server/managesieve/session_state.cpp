#include "server/managesieve/session_state.hpp"

#include "mailroom/sieve/compile.hpp"
#include "server/managesieve/commands.hpp"

namespace mailroom::server::managesieve {
namespace {

std::string ok(std::string_view text) { return response("OK", "", text); }
std::string no(std::string_view code, std::string_view text) { return response("NO", code, text); }
std::string refused(const StoreError& error) { return no(error.code, error.message); }

std::string describe(const std::string& label, const sieve::Diagnostic& d, const char* severity) {
  return label + ":" + std::to_string(d.position.line) + ":" + std::to_string(d.position.column) +
         ": " + severity + ": " + d.message + " [" + std::string(sieve::to_string(d.kind)) + "]";
}

std::string join(const std::string& all, const std::string& line) {
  return all.empty() ? line : all + "\r\n" + line;
}

// A usable script name, or the NO response why not.
std::string name_refusal(const std::string& name) {
  auto problem = script_name_problem(name);
  return problem.empty() ? std::string() : no("", problem + ".");
}

}  // namespace

std::string compile_errors(const std::string& label, const std::string& text,
                           std::string* warnings) {
  auto program = sieve::compile(text);
  std::string out;
  if (!program) {
    for (const auto& d : program.error()) out = join(out, describe(label, d, "error"));
    return out;
  }
  if (warnings != nullptr)
    for (const auto& d : program->warnings)
      *warnings = join(*warnings, describe(label, d, "warning"));
  return out;
}

std::string SessionState::put_script(const std::string& name, const std::string& text) {
  if (auto refusal = name_refusal(name); !refusal.empty()) return refusal;
  if (auto space = store_.have_space(name, text.size()); !space) return refused(space.error());
  std::string warnings;
  // §2.6: a script that does not compile is not stored; the NO says why.
  if (auto errors = compile_errors(name, text, &warnings); !errors.empty()) return no("", errors);
  if (auto stored = store_.put(name, text); !stored) return refused(stored.error());
  return warnings.empty() ? ok("PUTSCRIPT completed.") : response("OK", "WARNINGS", warnings);
}

std::string SessionState::list_scripts() {
  auto scripts = store_.list();
  if (!scripts) return refused(scripts.error());
  std::string out;
  for (const auto& script : *scripts)
    out += sieve_string(script.name) + (script.active ? " ACTIVE\r\n" : "\r\n");
  return out + ok("Listscripts completed.");
}

std::string SessionState::get_script(const std::string& name) {
  if (auto refusal = name_refusal(name); !refusal.empty()) return refusal;
  auto text = store_.get(name);
  if (!text) return refused(text.error());
  // §2.9: the script always as a literal, then CRLF and OK.
  return "{" + std::to_string(text->size()) + "}\r\n" + *text + "\r\n" + ok("Getscript completed.");
}

std::string SessionState::have_space(const std::vector<Token>& args) {
  if (args.size() != 3 || args[1].kind != Token::Kind::string ||
      args[2].kind != Token::Kind::number)
    return no("", "Usage: HAVESPACE name size");
  if (auto refusal = name_refusal(args[1].text); !refusal.empty()) return refusal;
  std::uint64_t size = 0;
  for (char c : args[2].text) {
    if (size > (UINT64_MAX - 9) / 10) return no("QUOTA/MAXSIZE", "Too large.");
    size = size * 10 + static_cast<std::uint64_t>(c - '0');
  }
  auto space = store_.have_space(args[1].text, size);
  return space ? ok("Putting the script would succeed.") : refused(space.error());
}

std::string SessionState::dispatch(const std::string& name, const std::vector<Token>& args) {
  bool strings = all_strings(args, 1);
  auto usage = [&](std::size_t count, std::string_view text) {
    return args.size() != count + 1 || !strings ? no("", "Usage: " + std::string(text))
                                                : std::string();
  };
  std::string bad;
  if (name == "LISTSCRIPTS") return (bad = usage(0, "LISTSCRIPTS")).empty() ? list_scripts() : bad;
  if (name == "GETSCRIPT")
    return (bad = usage(1, "GETSCRIPT name")).empty() ? get_script(args[1].text) : bad;
  if (name == "PUTSCRIPT")
    return (bad = usage(2, "PUTSCRIPT name script")).empty()
               ? put_script(args[1].text, args[2].text)
               : bad;
  if (name == "CHECKSCRIPT") {
    if (!(bad = usage(1, "CHECKSCRIPT script")).empty()) return bad;
    std::string warnings;
    auto errors = compile_errors("script", args[1].text, &warnings);
    if (!errors.empty()) return no("", errors);
    return warnings.empty() ? ok("Script is valid.") : response("OK", "WARNINGS", warnings);
  }
  if (name == "SETACTIVE") {
    if (!(bad = usage(1, "SETACTIVE name")).empty()) return bad;
    if (!args[1].text.empty() && !(bad = name_refusal(args[1].text)).empty()) return bad;
    auto done = store_.activate(args[1].text);
    return done ? ok(args[1].text.empty() ? "No script is active." : "Script activated.")
                : refused(done.error());
  }
  if (name == "DELETESCRIPT") {
    if (!(bad = usage(1, "DELETESCRIPT name")).empty()) return bad;
    if (!(bad = name_refusal(args[1].text)).empty()) return bad;
    auto done = store_.remove(args[1].text);
    return done ? ok("Script deleted.") : refused(done.error());
  }
  if (name == "RENAMESCRIPT") {
    if (!(bad = usage(2, "RENAMESCRIPT old new")).empty()) return bad;
    if (!(bad = name_refusal(args[1].text)).empty() || !(bad = name_refusal(args[2].text)).empty())
      return bad;
    auto done = store_.rename(args[1].text, args[2].text);
    return done ? ok("Script renamed.") : refused(done.error());
  }
  if (name == "HAVESPACE") return have_space(args);
  if (name == "CAPABILITY" && args.size() == 1) {
    CapabilityState state;
    state.authenticated = true;
    state.max_redirects = max_redirects_;
    return capabilities(state) + ok("Capability completed.");
  }
  if (name == "AUTHENTICATE" || name == "STARTTLS") return no("", "Already authenticated.");
  if (is_command(name)) return no("", "Not supported.");
  return no("", "Unknown command.");
}

std::string SessionState::handle(const Event& event, bool& done) {
  if (event.kind == Event::Kind::error) return no(event.code, event.message);
  auto name = command_name(event);
  if (name == "LOGOUT") {
    done = true;
    return ok("Bye.");
  }
  // RFC 5804 2.14.1: back to the non-authenticated state, TLS kept (the
  // login process holds it). This process, which is the user, ends.
  if (name == "UNAUTHENTICATE" && event.tokens.size() == 1) {
    done = unauthenticated_ = true;
    return ok("Unauthenticated.");
  }
  if (name == "NOOP") return noop_reply(event);
  return dispatch(name, event.tokens);
}

}  // namespace mailroom::server::managesieve
