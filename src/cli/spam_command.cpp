// `mailroom learn` and `mailroom score` (issue 14): train the user's spam
// store from message files, directories and Maildirs, and score one
// message. Without --user (or --store) they use the store of the user who
// runs them, root's included. As root with --user, the process becomes that
// user before it touches the store: the store lives in the user's home, and
// root must not follow a link the user placed there.
#include <grp.h>
#include <unistd.h>

#include <csignal>

#include <array>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mailroom/spam/explain.hpp"
#include "mailroom/spam/learn_files.hpp"
#include "mailroom/spam/verdict.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/passwd.hpp"

namespace mailroom::cli {
namespace {

constexpr const char* kLearnUsage =
    R"(usage: mailroom learn --spam|--ham [OPTIONS] PATH...
       mailroom learn --stats [OPTIONS]

Learns the messages in PATH (message files, directories of them, Maildirs:
cur/ and new/ of the folder named, not its subfolders) as spam or as ham.
A message learnt before in the other class moves to this one; one learnt
before in this class is not counted again. Shows progress on a terminal and
ends with a summary. Learn the mail delivered as unsure (SCL 2-4: its
X-Spam-Report says so) as well as the misfiled: the filter learns faster.

  --spam | --ham  the class of every message named
  --stats         learn nothing; print the messages learnt so far, as
                  "spam <n> ham <n>" (0 and 0 without a store)
  --user USER     the store of USER (root only, or yourself); default: the
                  user running the command, spam.store (~/.mailroom/spam)
  --store DIR     this store directory instead (an LMDB environment), or
                  a Redis store "redis://HOST:PORT[/DB]" (spam.redis_prefix)
  -c FILE         the configuration file (/etc/mailroom/mailroom.toml)
  -o SECTION.KEY=VALUE  overrides one configuration key

Exit codes: 0 learnt (unreadable files are named and counted); 64 bad
command line; 67 no such user; 75 the store could not be written (or a
Redis store not reached within spam.redis_timeout).
)";

constexpr const char* kScoreUsage =
    R"(usage: mailroom score [--explain] [OPTIONS] MESSAGE

Scores the message in the file MESSAGE against the user's training. The
first line is "SCL <level> score=<number>": the score is the sum of the
weights of the rule symbols that fired and of the classifier's band
(rules/spam-rules.toml); with spam.required_score = 5.0 (the default) SCL =
floor(score) from 0 to 9, so SCL >= 5 (Junk) exactly when score >= 5.0; -1
for an authenticated sender on an allow list, 9 for a blocked one; SCL 2-4
is unsure (not spam, but near it). Without
enough training (20 messages of each class) the rules alone score.
Authentication is not checked again (deliver does it, with the client's
address), so no authentication symbol fires here.

  --explain      then every symbol with its weight and the reason in words,
                 and the classifier's figures and the tokens that weighed
                 most
  --user USER    the store of USER (root only, or yourself)
  --store DIR    this store directory or Redis URL instead
  -c FILE, -o SECTION.KEY=VALUE  as for learn

Exit codes: 0 scored; 1 the message could not be read; 64 bad command
line; 67 no such user; 75 the store could not be read.
)";

constexpr std::array kOptions{
    OptionSpec{"--spam", ""},     OptionSpec{"--ham", ""},
    OptionSpec{"--explain", ""},  OptionSpec{"--stats", ""},
    OptionSpec{"--user", "USER"}, OptionSpec{"--store", "DIR"},
    OptionSpec{"-h", ""},         OptionSpec{"--help", ""},
    OptionSpec{"-c", "FILE"},     OptionSpec{"-o", "SECTION.KEY=VALUE"},
};

struct SpamArgs {
  bool spam = false;
  bool ham = false;
  bool explain = false;
  bool stats = false;
  bool help = false;
  std::string user;
  std::string store;
  std::vector<std::string> paths;
  std::vector<ScannedOption> config;  // -c and -o
};

Result<SpamArgs> parse(Args args, std::string_view command) {
  auto options = scan_options(args, kOptions, "mailroom " + std::string(command));
  if (!options) return tl::unexpected(options.error());
  SpamArgs out;
  for (const auto& o : *options) {
    if (o.name.empty()) out.paths.push_back(o.value);
    if (o.name == "--spam") out.spam = true;
    if (o.name == "--ham") out.ham = true;
    if (o.name == "--explain") out.explain = true;
    if (o.name == "--stats") out.stats = true;
    if (o.name == "--user") out.user = o.value;
    if (o.name == "--store") out.store = o.value;
    if (o.name == "-h" || o.name == "--help") out.help = true;
    if (o.name == "-c" || o.name == "-o") out.config.push_back(o);
  }
  if (out.help) return out;
  const bool learn = command == "learn";
  if (out.stats) {  // the counts IMAP training and learn leave (issue 15)
    if (!learn) return fail(ErrorKind::usage, "--stats is for learn");
    if (out.spam || out.ham || !out.paths.empty())
      return fail(ErrorKind::usage, "--stats takes no --spam, --ham or PATH");
    return out;
  }
  if (learn && out.spam == out.ham)
    return fail(ErrorKind::usage, "give exactly one of --spam, --ham");
  if (!learn && (out.spam || out.ham)) return fail(ErrorKind::usage, "--spam/--ham are for learn");
  if (learn && out.explain) return fail(ErrorKind::usage, "--explain is for score");
  if (out.paths.empty())
    return fail(ErrorKind::usage, learn ? "PATH is missing" : "MESSAGE is missing");
  if (!learn && out.paths.size() > 1) return fail(ErrorKind::usage, "more than one MESSAGE");
  return out;
}

// Becomes `user` for good (root only): groups, gid, then uid.
Status become(const PasswdEntry& user) {
  if (::setgroups(0, nullptr) != 0 || ::setresgid(user.gid, user.gid, user.gid) != 0 ||
      ::setresuid(user.uid, user.uid, user.uid) != 0)
    return fail_errno(ErrorKind::temporary, "cannot become user " + user.name, errno);
  return ok();
}

// Whose store, and where.
struct StoreOwner {
  std::string dir;
  std::string home;  // "" with --store alone
  std::string name;
};

// The store directory the arguments name (else spam.store for the user,
// as deliver finds it), after switching to --user's identity when root
// asks for another user.
Result<StoreOwner> store_dir(const SpamArgs& a, const Config& config) {
  // A Redis store's prefix names the user (%u): the user is needed then.
  if (!a.store.empty() && a.user.empty() && !a.store.starts_with("redis://"))
    return StoreOwner{a.store, {}, {}};
  auto user = a.user.empty() ? find_user_by_uid(::getuid()) : find_user_by_name(a.user);
  if (!user) return tl::unexpected(user.error());
  if (user->uid != ::getuid()) {
    if (::getuid() != 0)
      return fail(ErrorKind::usage, "only root may use the store of " + user->name);
    if (auto ok = become(*user); !ok) return tl::unexpected(ok.error());
  }
  std::string dir = a.store;
  if (dir.empty() && !config.spam.store.empty())
    dir = expand_user_path(config.spam.store, user->home, user->name);
  if (dir.empty()) dir = spam::user_store_dir(user->home);
  return StoreOwner{dir, user->home, user->name};
}

int exit_code(const Error& e) {
  switch (e.kind) {
    case ErrorKind::usage:
      return 64;
    case ErrorKind::no_user:
      return 67;
    case ErrorKind::data:
      return 1;
    default:
      return 75;
  }
}

int report(std::string_view command, const Error& e) {
  (void)std::fprintf(stderr, "mailroom %s: %s\n", std::string(command).c_str(), e.message.c_str());
  return exit_code(e);
}

// The store as the summary names it: the directory, or the Redis URL and
// the prefix of its keys.
std::string describe(const spam::StoreLocation& where) {
  return where.redis() ? where.path + " " + where.redis_prefix : where.path;
}

int run_learn(const SpamArgs& a, const spam::StoreLocation& where) {
  auto files = spam::message_files(a.paths);
  if (!files) return report("learn", files.error());
  auto store = spam::open_store(where, spam::StoreMode::read_write);
  if (!store) return report("learn", store.error());
  const bool tty = ::isatty(2) != 0;
  auto progress = [&](std::size_t done, std::size_t total, const std::string& error) {
    if (!error.empty())
      (void)std::fprintf(stderr, "%smailroom learn: %s\n", tty ? "\r" : "", error.c_str());
    if (tty && (done % 16 == 0 || done == total))
      (void)std::fprintf(stderr, "\r%zu/%zu messages (%zu%%)", done, total,
                         total ? 100 * done / total : 100);
  };
  auto summary = spam::learn_files(**store, *files, a.spam, spam::ModelParams{}, progress);
  if (tty) (void)std::fprintf(stderr, "\n");
  if (!summary) return report("learn", summary.error());
  std::printf("learnt as %s: %zu new, %zu moved from %s, %zu already known, %zu unreadable (%s)\n",
              a.spam ? "spam" : "ham", summary->learnt, summary->moved, a.spam ? "ham" : "spam",
              summary->already_known, summary->unreadable, describe(where).c_str());
  return 0;
}

int run_stats(const spam::StoreLocation& where) {
  spam::Totals totals;
  if (auto store = spam::open_store(where, spam::StoreMode::read_only)) {
    auto snap = (*store)->read({}, 0);
    if (!snap) return report("learn", snap.error());
    totals = snap->totals;
  } else if (store.error().kind != ErrorKind::data) {  // data: no store yet, nothing learnt
    return report("learn", store.error());
  }
  std::printf("spam %u ham %u\n", totals.spam, totals.ham);
  return 0;
}

// The user's spam-lists file (spam.user_lists), as deliver reads it.
std::optional<spam::SenderLists> user_lists(const Config& config, const StoreOwner& owner) {
  const std::string& pattern = config.spam.user_lists;
  if (pattern.empty() || (pattern[0] == '~' && owner.home.empty())) return std::nullopt;
  const std::string path = expand_user_path(pattern, owner.home, owner.name);
  auto text = read_whole_file(path, std::size_t{1} << 20, ErrorKind::config);
  if (!text) return std::nullopt;
  auto lists = spam::parse_sender_lists(*text, path);
  if (!lists) (void)std::fprintf(stderr, "mailroom score: %s\n", lists.error().message.c_str());
  return lists ? std::optional<spam::SenderLists>(std::move(*lists)) : std::nullopt;
}

// The administrator's [spam] keys (rules, required score, lists) apply, as
// in deliver.
int run_score(const SpamArgs& a, const StoreOwner& owner, const spam::StoreLocation& where,
              const Config& config) {
  const std::string& dir = owner.dir;
  auto msg = spam::read_message_file(a.paths.front());
  if (!msg) return report("score", msg.error());
  auto table = spam::load_rule_table(config.spam.rules);
  if (!table) return report("score", table.error());
  std::unique_ptr<spam::TokenStore> store;
  std::string note;
  if (auto opened = spam::open_store(where, spam::StoreMode::read_only)) {
    store = std::move(*opened);
  } else if (opened.error().kind == ErrorKind::data) {  // no store yet: rules only
    note = "no token store at " + dir;
  } else {
    return report("score", opened.error());
  }
  // Authentication is deliver's (it needs the client's address): not
  // checked again here, so no authentication symbol fires.
  spam::ScoreInput input(*msg, {});
  input.store = store.get();
  input.store_note = note;
  input.table = &*table;
  if (auto lists = user_lists(config, owner)) input.lists.push_back(std::move(*lists));
  input.lists.push_back({config.spam.allow, config.spam.block});
  input.required = config.spam.required_score;
  const auto v = spam::score_message(input);
  std::printf("SCL %d score=%.1f\n", v.scl, v.score);
  if (!a.explain) return 0;
  for (const auto& line : spam::report_lines(v)) std::printf("%s\n", line.c_str());
  if (!v.classifier_used) return 0;
  const spam::ModelParams params;
  const auto features = spam::scoring_features(*msg, params);
  auto snap = store->read(features.keys, features.counted);
  if (!snap) return report("score", snap.error());
  snap->records.resize(features.keys.size());
  const auto classified =
      spam::verdict(spam::classify(features, *snap, params), snap->totals, params);
  const auto evidence = spam::strongest_evidence(*msg, features, *snap, params, 15);
  for (const auto& line : spam::explain_lines(classified, snap->totals, evidence, params))
    std::printf("%s\n", line.c_str());
  return 0;
}

}  // namespace

void print_spam_usage(std::string_view command) {
  std::fputs(command == "learn" ? kLearnUsage : kScoreUsage, stdout);
}

int spam_command(std::string_view command, Args args) {
  auto parsed = parse(args, command);
  if (!parsed) {
    (void)std::fprintf(stderr, "mailroom %s: %s (try mailroom %s --help)\n",
                       std::string(command).c_str(), parsed.error().message.c_str(),
                       std::string(command).c_str());
    return 64;
  }
  if (parsed->help) {
    print_spam_usage(command);
    return 0;
  }
  auto config = config_from(parsed->config);
  if (!config) return report(command, config.error());
  // A Redis server gone mid-write is an error value, not a signal (as in
  // deliver).
  (void)std::signal(SIGPIPE, SIG_IGN);
  auto owner = store_dir(*parsed, *config);
  if (!owner) return report(command, owner.error());
  const spam::StoreLocation where = spam::store_location(owner->dir, config->spam, owner->name);
  if (parsed->stats) return run_stats(where);
  return command == "learn" ? run_learn(*parsed, where)
                            : run_score(*parsed, *owner, where, *config);
}

}  // namespace mailroom::cli
