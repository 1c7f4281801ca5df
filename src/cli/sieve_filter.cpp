// `mailroom sieve filter [--apply] [--allow-discard] SCRIPT MAILDIR-FOLDER`:
// runs a script over mail already delivered, as Pigeonhole's sieve-filter.
// A dry run by default. With --apply each message is linked into its
// target folders, the directories fsynced, and only then unlinked from the
// source (maildir/move.hpp): interrupted, a message is in both places,
// never in none. Nothing is ever sent: a redirect, reject or vacation of
// mail delivered long ago is not what a user re-filing a folder expects
// (Pigeonhole's sieve-filter does not send either), so they are reported.
// A discard deletes only with --allow-discard.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/sieve_tools.hpp"
#include "mailroom/maildir/delivery.hpp"
#include "mailroom/maildir/maildir.hpp"
#include "mailroom/maildir/modified_utf7.hpp"
#include "mailroom/maildir/move.hpp"
#include "mailroom/sieve/report.hpp"

namespace mailroom::cli {
namespace {

struct FilterArgs {
  bool apply = false;
  bool allow_discard = false;
  std::string script;
  std::string folder_path;
};

// Where the message goes: a folder and the flags the script gave it.
struct Destination {
  std::string folder;  // "" is the folder being filtered
  std::vector<std::string> flags;
};

struct Plan {
  std::vector<Destination> destinations;
  bool remove = false;  // discard, allowed
  std::vector<std::string> notes;
  bool failed = false;
};

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// ~/Maildir is the INBOX; ~/Maildir/.Lists.Work (Maildir++) the folder
// "Lists.Work" of the Maildir ~/Maildir.
struct Location {
  std::string root;
  std::string folder;  // UTF-8, "INBOX" for the root
};

Location locate(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  auto slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string parent = slash == std::string::npos ? "." : path.substr(0, slash);
  if (base.size() > 1 && base[0] == '.' && is_dir(parent + "/cur") && is_dir(parent + "/new")) {
    auto utf8 = maildir::modified_utf7_to_utf8(base.substr(1));
    return {parent, utf8 ? *utf8 : base.substr(1)};
  }
  return {path, "INBOX"};
}

bool same_folder(std::string_view a, std::string_view b) {
  auto name_a = maildir::folder_directory_name(a);
  auto name_b = maildir::folder_directory_name(b);
  return name_a && name_b && *name_a == *name_b;
}

void add_destination(Plan& plan, std::string folder, const std::vector<std::string>& flags) {
  for (auto& d : plan.destinations) {
    if (d.folder == folder) {
      d.flags.insert(d.flags.end(), flags.begin(), flags.end());
      return;
    }
  }
  plan.destinations.push_back({std::move(folder), flags});
}

Plan plan_for(const sieve::Outcome& outcome, const std::string& source, const FilterArgs& args) {
  Plan plan;
  if (outcome.error) {
    plan.notes.push_back("script error at line " + std::to_string(outcome.error->position.line) +
                         ": " + outcome.error->message + "; left in place");
    plan.failed = true;
    plan.destinations.push_back({"", {}});
    return plan;
  }
  bool discarded = false;
  for (const auto& a : outcome.actions) {
    const std::string at = a.implicit ? "" : " (line " + std::to_string(a.position.line) + ")";
    switch (a.kind) {
      case sieve::ActionKind::keep:
        add_destination(plan, "", a.flags);
        break;
      case sieve::ActionKind::fileinto:
        add_destination(plan, same_folder(a.target, source) ? "" : a.target, a.flags);
        break;
      case sieve::ActionKind::discard:
        discarded = true;
        break;
      case sieve::ActionKind::redirect:
        plan.notes.push_back("redirect to <" + a.target + ">" + at +
                             " not sent: re-sending mail delivered earlier is not done");
        break;
      default:
        plan.notes.push_back(std::string(sieve::to_string(a.kind)) + at +
                             " not done: the message was delivered earlier");
        break;
    }
  }
  if (plan.destinations.empty()) {
    if (discarded && args.allow_discard) {
      plan.remove = true;
    } else {
      if (discarded) plan.notes.push_back("discard refused without --allow-discard; left in place");
      plan.destinations.push_back({"", {}});
    }
  }
  return plan;
}

// RFC 3501 §2.3.2 system flags as Maildir letters; keywords as the
// target folder's Dovecot letters (those it does not know yet are noted).
std::string letters_for(const maildir::Folder& folder, const std::vector<std::string>& flags,
                        std::vector<std::string>& notes) {
  std::string letters;
  std::vector<std::string_view> keywords;
  for (const auto& flag : flags) {
    if (flag.empty() || flag[0] != '\\') {
      keywords.push_back(flag);
    } else if (char letter = maildir::system_flag_letter(flag); letter != 0) {
      letters += letter;
    }
  }
  std::string unknown;
  letters += folder.keyword_letters(keywords, &unknown);
  if (!unknown.empty()) notes.push_back("keywords not known to " + folder.name() + ": " + unknown);
  return letters;
}

std::string describe_plan(const Plan& plan, const maildir::StoredMessage& m,
                          const std::string& source) {
  std::string line = std::string(m.in_cur ? "cur/" : "new/") + m.name + ":";
  bool stays = false;
  for (const auto& d : plan.destinations) {
    if (d.folder.empty()) stays = true;
  }
  if (plan.remove) line += " delete (discard)";
  if (stays) line += " stays in " + source;
  for (const auto& d : plan.destinations) {
    if (d.folder.empty()) continue;
    line += (stays ? ", copy to " : " move to ") + d.folder;
    stays = true;  // a second target is a copy too
  }
  for (const auto& d : plan.destinations) {
    if (d.flags.empty()) continue;
    line += "; flags";
    for (const auto& f : d.flags) line += " " + f;
    break;
  }
  for (const auto& note : plan.notes) line += "; " + note;
  return line;
}

// Links into every destination, then unlinks the source unless it stays
// unchanged. Returns false (source untouched) when a link failed.
bool apply(maildir::Maildir& store, maildir::Folder& source, const maildir::StoredMessage& m,
           Plan& plan) {
  bool keep_source = false;
  for (const auto& d : plan.destinations) {
    auto folder = d.folder.empty() ? Result<maildir::Folder>(source) : store.folder(d.folder);
    if (!folder) {
      plan.notes.push_back("cannot open " + d.folder + ": " + folder.error().message);
      return false;
    }
    std::string flags(m.flags());
    if (!d.folder.empty()) {
      // Keyword letters name keywords through each folder's own
      // dovecot-keywords file: carried into another folder they would
      // mean other keywords, so only the system flags go along.
      std::string system;
      for (char c : flags)
        if (c >= 'A' && c <= 'Z') system += c;
      if (system.size() != flags.size()) plan.notes.push_back("keyword letters not carried");
      flags = system;
    }
    flags += letters_for(*folder, d.flags, plan.notes);
    auto normal = maildir::normalise_flags(flags);
    if (d.folder.empty() && normal && *normal == m.flags() && (m.in_cur || normal->empty())) {
      keep_source = true;  // stays as it is
      continue;
    }
    auto linked = maildir::link_message(source, m, *folder, flags);
    if (!linked) {
      plan.notes.push_back(linked.error().message);
      return false;
    }
    if (d.folder.empty() && linked->name == m.name && linked->in_cur == m.in_cur)
      keep_source = true;
  }
  if (keep_source) return true;
  if (auto removed = maildir::unlink_message(source, m); !removed) {
    plan.notes.push_back(removed.error().message);
    return false;
  }
  return true;
}

std::string parse(Args args, FilterArgs& out) {
  std::vector<std::string> files;
  for (std::string_view arg : args) {
    if (arg == "--apply") {
      out.apply = true;
    } else if (arg == "--allow-discard") {
      out.allow_discard = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return "unknown option " + std::string(arg);
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.size() != 2) return "want SCRIPT and MAILDIR-FOLDER";
  out.script = files[0];
  out.folder_path = files[1];
  return {};
}

// What one message did to the totals.
struct Tally {
  std::size_t moved = 0;
  std::size_t failed = 0;
};

struct Run {
  const FilterArgs& args;
  const LoadedScript& script;
  const Location& where;
  maildir::Maildir& store;
  maildir::Folder& source;
  sieve::RunOptions options;
};

void filter_one(Run& run, const maildir::StoredMessage& m, Tally& tally) {
  const char* subdir = m.in_cur ? "cur/" : "new/";
  auto raw = maildir::read_message(run.source, m, kMaxSieveMessageSize);
  if (!raw && raw.error().sys_errno == ENOENT) {
    // Moved or deleted since the listing, by a mail reader or another run.
    std::printf("%s%s: gone since the listing\n", subdir, m.name.c_str());
    return;
  }
  if (!raw) {
    std::printf("%s%s: %s; left in place\n", subdir, m.name.c_str(), raw.error().message.c_str());
    ++tally.failed;
    return;
  }
  // Stored mail has no envelope: envelope tests see an empty one.
  auto outcome = run_loaded(run.script, std::move(*raw), {}, run.options);
  Plan plan = plan_for(outcome, run.where.folder, run.args);
  if (run.args.apply && !plan.failed && !apply(run.store, run.source, m, plan)) {
    plan.failed = true;
    plan.notes.emplace_back("left in place");
  }
  if (plan.failed) ++tally.failed;
  if (plan.remove || std::any_of(plan.destinations.begin(), plan.destinations.end(),
                                 [](const Destination& d) { return !d.folder.empty(); }))
    ++tally.moved;
  std::printf("%s\n", describe_plan(plan, m, run.where.folder).c_str());
}

int filter_folder(const FilterArgs& args, const LoadedScript& script) {
  const Location where = locate(args.folder_path);
  if (!is_dir(args.folder_path + "/cur") || !is_dir(args.folder_path + "/new")) {
    (void)std::fprintf(stderr,
                       "mailroom sieve filter: %s is not a Maildir folder (no cur/, new/)\n",
                       args.folder_path.c_str());
    return 2;
  }
  maildir::Options options;
  // A dry run creates nothing; --apply makes the folders the script files
  // into, as deliver does.
  options.create = args.apply;
  auto store = maildir::Maildir::open(where.root, options);
  auto source =
      store ? store->folder(where.folder) : Result<maildir::Folder>(tl::unexpected(store.error()));
  auto messages = source
                      ? maildir::list_messages(*source)
                      : Result<std::vector<maildir::StoredMessage>>(tl::unexpected(source.error()));
  if (!messages) {
    (void)std::fprintf(stderr, "mailroom sieve filter: %s: %s\n", args.folder_path.c_str(),
                       messages.error().message.c_str());
    return 2;
  }
  Run run{args, script, where, *store, *source, {}};
  run.options.mailbox_exists = [&](std::string_view name) { return store->has_folder(name); };
  run.options.regex_cache =
      sieve::make_regex_cache();  // each :regex compiled once, not per message
  Tally tally;
  for (const auto& m : *messages) filter_one(run, m, tally);
  std::printf("%zu messages, %zu %s, %zu with errors%s\n", messages->size(), tally.moved,
              args.apply ? "moved or deleted" : "would move or be deleted", tally.failed,
              args.apply ? "" : " (dry run: nothing changed; --apply to do it)");
  return tally.failed == 0 ? 0 : 1;
}

}  // namespace

int sieve_filter(Args args) {
  FilterArgs parsed;
  if (auto problem = parse(args, parsed); !problem.empty()) {
    (void)std::fprintf(stderr, "mailroom sieve filter: %s (try mailroom help sieve)\n",
                       problem.c_str());
    return 64;
  }
  auto script = load_script(parsed.script, "mailroom sieve filter");
  if (!script) return 2;
  if (script->compile_error) {
    print_sieve_diagnostic(script->path, *script->compile_error);
    return 1;
  }
  return filter_folder(parsed, *script);
}

}  // namespace mailroom::cli
