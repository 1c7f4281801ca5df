#include "deliver/sieve_stage.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/message/buffer.hpp"
#include "mailroom/sieve/binary.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/needs.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/text.hpp"
#include "mailroom/util/trust.hpp"

namespace mailroom::deliver {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The *.sieve files of a directory, in byte order of their names.
Result<std::vector<std::string>> sieve_files_in(const std::string& directory) {
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr)
    return fail_errno(ErrorKind::config, "cannot read Sieve directory " + directory, errno);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.size() > 6 && name.substr(name.size() - 6) == ".sieve" && name[0] != '.')
      names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  for (auto& name : names) name.insert(0, "/").insert(0, directory);
  return names;
}

Status add_global(const std::string& entry, bool as_root, std::vector<ScriptFile>& out) {
  if (as_root)
    if (auto trusted = check_trusted_path(entry, "global Sieve script"); !trusted) return trusted;
  struct stat st {};
  const bool found = ::stat(entry.c_str(), &st) == 0;
  if (!found || !S_ISDIR(st.st_mode)) {
    // A file stat() found exists; else lstat() still finds a dangling link.
    if (!found && !exists(entry))
      return fail(ErrorKind::config, "global Sieve script " + entry + " missing");
    out.push_back({entry});
    return ok();
  }
  auto files = sieve_files_in(entry);
  if (!files) return tl::unexpected(files.error());
  for (auto& file : *files) {
    if (as_root)
      if (auto trusted = check_trusted_path(file, "global Sieve script"); !trusted) return trusted;
    out.push_back({std::move(file)});
  }
  return ok();
}

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return {};
  return resolved;
}

// A user may link ~/.dovecot.sieve to ~/sieve/x.sieve (ManageSieve and
// Dovecot do); a link out of the home could make us read another file.
std::optional<ScriptFile> user_script(const SieveConfig& config, const MailUser& user) {
  if (config.script.empty()) return std::nullopt;
  if (config.script[0] == '~' && user.home.empty()) return std::nullopt;  // virtual user
  std::string path = expand_user_path(config.script, user.home, user.name);
  if (!exists(path)) return std::nullopt;
  std::string resolved = real_path(path);
  if (resolved.empty()) return ScriptFile{path, "cannot resolve (dangling symbolic link?)"};
  if (resolved == path || user.home.empty()) return ScriptFile{resolved};
  // The home is resolved only for a script reached through a link: each
  // realpath() is a readlink per path component, on every delivery.
  std::string home = real_path(user.home);
  if (!home.empty() && resolved.rfind(home + "/", 0) != 0)
    return ScriptFile{path, "refused: its symbolic link leads out of the home, to " + resolved};
  return ScriptFile{resolved};
}

sieve::Outcome failed_outcome(sieve::DiagnosticKind kind, std::string message,
                              sieve::Position position = {0, 0}) {
  sieve::Outcome outcome;
  outcome.error = sieve::Diagnostic{kind, std::move(message), position};
  sieve::Action keep;
  keep.kind = sieve::ActionKind::keep;
  keep.implicit = true;
  outcome.actions.push_back(std::move(keep));
  return outcome;
}

LoadedScript load_one(const ScriptFile& script) {
  LoadedScript out{script.path, std::nullopt, {}};
  if (!script.refused.empty()) {
    out.failed = failed_outcome(sieve::DiagnosticKind::runtime, script.refused);
    return out;
  }
  // From the compiled form beside the script when it is current (binary.hpp).
  auto loaded = sieve::load_script(script.path);
  if (!loaded) {
    out.failed = failed_outcome(sieve::DiagnosticKind::runtime, loaded.error().message);
    return out;
  }
  if (!loaded->program) {
    const auto& first = loaded->program.error().front();
    out.failed = failed_outcome(first.kind, first.message, first.position);
    return out;
  }
  out.program = std::move(*loaded->program);
  return out;
}

bool keeps_implicitly(const sieve::Outcome& outcome) {
  return std::any_of(outcome.actions.begin(), outcome.actions.end(),
                     [](const sieve::Action& a) { return a.implicit; });
}

std::string where(const std::string& path, const sieve::Position& position) {
  return path + ":" + std::to_string(position.line);
}

std::string error_line(const std::string& path, const sieve::Diagnostic& error) {
  return path + ":" + std::to_string(error.position.line) + ":" +
         std::to_string(error.position.column) + ": " + std::string(sieve::to_string(error.kind)) +
         ": " + error.message;
}

Target target_for(const sieve::Action& action, std::string folder, std::string why) {
  Target target{std::move(folder), "", std::move(why)};
  split_flags(action.flags, target.flags, target.keywords);
  return target;
}

void add_action(const sieve::Action& action, const std::string& path, const KeepFolder& keep,
                SieveDecision& decision) {
  const std::string here = where(path, action.position);
  switch (action.kind) {
    case sieve::ActionKind::keep:
      decision.targets.push_back(target_for(
          action, keep.folder,
          action.implicit ? "implicit keep (" + path + "), " + keep.why : "keep at " + here));
      break;
    case sieve::ActionKind::fileinto:
      decision.targets.push_back(target_for(action, action.target, "fileinto at " + here));
      decision.targets.back().create = action.create;
      break;
    case sieve::ActionKind::redirect:
      decision.redirects.push_back({action.target, "redirect at " + here});
      break;
    case sieve::ActionKind::discard:
      decision.discarded = true;
      decision.discard_why = "discard at " + here;
      break;
    case sieve::ActionKind::vacation:
    case sieve::ActionKind::notify:
      decision.sends.push_back(
          {action, std::string(sieve::to_string(action.kind)) + " at " + here});
      break;
    case sieve::ActionKind::reject:
    case sieve::ActionKind::ereject:
      decision.reject = action.reason;
      decision.reject_why = std::string(sieve::to_string(action.kind)) + " at " + here;
      break;
  }
}

}  // namespace

Result<std::vector<ScriptFile>> find_scripts(const SieveConfig& config, const MailUser& user,
                                             bool as_root) {
  std::vector<ScriptFile> scripts;
  for (const auto& entry : config.before)
    if (auto added = add_global(entry, as_root, scripts); !added)
      return tl::unexpected(added.error());
  if (auto mine = user_script(config, user)) scripts.push_back(std::move(*mine));
  for (const auto& entry : config.after)
    if (auto added = add_global(entry, as_root, scripts); !added)
      return tl::unexpected(added.error());
  return scripts;
}

std::vector<LoadedScript> load_scripts(const std::vector<ScriptFile>& scripts) {
  std::vector<LoadedScript> loaded;
  loaded.reserve(scripts.size());
  for (const auto& script : scripts) loaded.push_back(load_one(script));
  return loaded;
}

bool scripts_read_body(const std::vector<LoadedScript>& scripts) {
  return std::any_of(scripts.begin(), scripts.end(), [](const LoadedScript& s) {
    return s.program && sieve::reads_body(*s.program);
  });
}

std::vector<ScriptRun> run_loaded(const std::vector<LoadedScript>& scripts,
                                  const message::Message& message, const sieve::Envelope& envelope,
                                  const sieve::RunOptions& options) {
  std::vector<ScriptRun> runs;
  std::optional<message::Message> edited;
  for (const auto& script : scripts) {
    const auto& seen = edited ? *edited : message;
    runs.push_back({script.path, script.program
                                     ? sieve::run(*script.program, seen, envelope, options)
                                     : script.failed});
    const auto& outcome = runs.back().outcome;
    if (outcome.message) {
      edited = message::Message::parse(
          std::make_shared<const message::Buffer>(message::Buffer::from_string(*outcome.message)),
          message.limits());
    }
    if (outcome.error || !keeps_implicitly(outcome)) break;
  }
  return runs;
}

std::vector<ScriptRun> run_scripts(const std::vector<ScriptFile>& scripts,
                                   const message::Message& message, const sieve::Envelope& envelope,
                                   const sieve::RunOptions& options) {
  return run_loaded(load_scripts(scripts), message, envelope, options);
}

SieveDecision decide(const std::vector<ScriptRun>& runs, const KeepFolder& keep) {
  SieveDecision decision;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    const bool last = i + 1 == runs.size();
    if (run.outcome.message) decision.message = run.outcome.message;
    if (run.outcome.error) {
      decision.errors.push_back(error_line(run.path, *run.outcome.error));
      decision.targets.push_back({"INBOX", "", "error in " + run.path + ", kept in INBOX"});
      continue;
    }
    decision.duplicates.insert(decision.duplicates.end(), run.outcome.duplicates.begin(),
                               run.outcome.duplicates.end());
    for (const auto& action : run.outcome.actions) {
      // The implicit keep flows on to the next script (multiscript draft).
      if (action.implicit && !last) continue;
      add_action(action, run.path, keep, decision);
    }
  }
  // discard only cancels the implicit keep (RFC 5228 §4.5): it counts
  // when nothing else was kept.
  if (!decision.targets.empty() || !decision.redirects.empty()) decision.discarded = false;
  return decision;
}

void split_flags(const std::vector<std::string>& flags, std::string& letters,
                 std::vector<std::string>& keywords) {
  for (const auto& flag : flags) {
    if (flag.empty()) continue;
    if (flag[0] != '\\') {
      if (std::find(keywords.begin(), keywords.end(), flag) == keywords.end())
        keywords.push_back(flag);
      continue;
    }
    char letter = maildir::system_flag_letter(flag);
    if (letter != 0 && letters.find(letter) == std::string::npos) letters += letter;
    // \Recent and unknown system flags cannot be set (RFC 3501 §2.3.2).
  }
}

std::string set_include_dirs(const SieveConfig& config, const MailUser& user, bool as_root,
                             sieve::RunOptions& options) {
  if (!config.include_dir.empty() && !(config.include_dir[0] == '~' && user.home.empty()))
    options.personal_dir = expand_user_path(config.include_dir, user.home, user.name);
  if (config.global_dir.empty()) return {};
  if (as_root)
    if (auto trusted = check_trusted_path(config.global_dir, "Sieve global_dir"); !trusted)
      return trusted.error().message;
  options.global_dir = config.global_dir;
  return {};
}

std::string no_scripts_text(const SieveConfig& config, const MailUser& user) {
  if (config.script.empty()) return "none (sieve.script is empty, no global scripts)";
  if (config.script[0] == '~' && user.home.empty()) return "none (no home for sieve.script)";
  return "none (no " + expand_user_path(config.script, user.home, user.name) + ")";
}

std::string scripts_text(const std::vector<ScriptRun>& runs) {
  std::string text;
  for (const auto& run : runs) text += (text.empty() ? "" : ",") + run.path;
  return text;
}

}  // namespace mailroom::deliver
