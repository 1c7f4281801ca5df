// procmailrc (procmailrc(5), procmailex(5)) to Sieve (RFC 5228). A recipe
// is ":0 flags [: lockfile]", conditions ("*" lines, all must hold), and
// one action: a folder, "! addresses", "| command" or a "{ ... }" block.
// A delivering recipe ends procmail's run, so it becomes
// `if CONDITIONS { ACTION; stop; }`; with the c flag (a copy) it does not
// stop and the action takes :copy (RFC 3894). Conditions:
// procmail_condition.cpp.
#include "mailroom/sieve/procmail.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sieve/procmail_text.hpp"

namespace mailroom::sieve {
namespace {

using procmail::Line;
using procmail::quote;
using procmail::starts_with;
using procmail::trim;

struct Recipe {
  std::size_t line = 0;
  std::string flags;
  std::vector<std::string> conditions;
  std::string action;
  std::vector<std::string> original;  // the lines as written, for comments
  bool has(char flag) const { return flags.find(flag) != std::string::npos; }
  bool nested() const { return action == "{" || starts_with(action, "{ ") || action == "{}"; }
  // procmailex(5): "| formail -D N cache" with w or W exits 0 for a
  // Message-ID seen before, and that counts as delivered: dropped.
  bool duplicate_check() const {
    return starts_with(action, "|") && starts_with(trim(action.substr(1)), "formail -D ") &&
           flags.find_first_of("wW") != std::string::npos;
  }
};

bool is_assignment(const std::string& t) {
  auto eq = t.find('=');
  return eq != std::string::npos && eq > 0 &&
         std::all_of(t.begin(), t.begin() + static_cast<long>(eq), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

// "VALUE   # comment" (procmailex(5)) and quotes around the value.
std::string assigned_value(std::string value) {
  if (!value.empty() && value[0] != '"' && value[0] != '\'') {
    auto hash = value.find('#');
    if (hash != std::string::npos && hash > 0 &&
        (value[hash - 1] == ' ' || value[hash - 1] == '\t'))
      value = trim(value.substr(0, hash));
  }
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  return value;
}

// Each line of `text` with `prefix` before it.
std::string prefixed(const std::string& text, const std::string& prefix, std::size_t cut = 0) {
  std::string out;
  std::size_t s = 0;
  while (s < text.size()) {
    auto e = std::min(text.find('\n', s), text.size());
    std::string line = text.substr(s, e - s);
    out.append(prefix).append(line.size() >= cut ? line.substr(cut) : line).append("\n");
    s = e + 1;
  }
  return out;
}

std::string all_of(const std::vector<std::string>& tests, const std::string& pad) {
  if (tests.empty()) return "true";
  if (tests.size() == 1) return tests.front();
  std::string out = "allof (";
  for (std::size_t i = 0; i < tests.size(); ++i)
    out.append(i == 0 ? "" : ",\n" + pad + "       ").append(tests[i]);
  return out + ")";
}

class Converter {
 public:
  ProcmailConversion run(std::string_view rc) {
    lines_ = procmail::logical_lines(rc);
    std::string body;
    block(body, 0, false);
    ProcmailConversion out;
    out.script = "# Converted from a procmailrc by mailroom sieve from-procmail.\n";
    if (!capabilities_.empty()) {
      std::string list;
      for (const auto& c : capabilities_) list.append(list.empty() ? "" : ", ").append(quote(c));
      out.script.append("require [").append(list).append("];\n");
    }
    out.script += body;
    out.skipped = std::move(skipped_);
    return out;
  }

 private:
  // Items until "}" (nested) or the end.
  void block(std::string& out, std::size_t depth, bool nested) {
    const std::string pad(depth * 4, ' ');
    bool previous_if = false;  // the last item emitted was an if (for E)
    while (at_ < lines_.size()) {
      const Line& line = lines_[at_];
      const std::string& t = line.text;
      if (starts_with(t, ":0")) {
        previous_if = recipe(out, depth, previous_if);
        continue;
      }
      ++at_;
      if (t.empty()) {
        // Blank lines kept (one at most), so the comments keep their places.
        if (out.size() >= 2 && out.substr(out.size() - 2) != "\n\n") out += "\n";
      } else if (t[0] == '#') {
        out.append(pad).append(t).append("\n");
      } else if (t == "}") {
        if (nested) return;
        skip(out, pad, line.number, "a '}' without its '{'", {t});
      } else if (is_assignment(t)) {
        auto eq = t.find('=');
        assignment(out, pad, line.number, t.substr(0, eq), assigned_value(t.substr(eq + 1)));
      } else {
        skip(out, pad, line.number, "not a recipe or an assignment", {t});
      }
    }
  }

  void assignment(std::string& out, const std::string& pad, std::size_t line,
                  const std::string& name, const std::string& value) {
    if (name == "MAILDIR" || name == "DEFAULT") {
      variables_[name] = value;
      out.append(pad)
          .append("# " + name + "=" + value)
          .append(": folders are named relative to it\n");
      return;
    }
    static const std::set<std::string> kHarmless = {
        "PATH",  "SHELL",   "LOGFILE", "LOGABSTRACT", "VERBOSE",     "LOCKFILE",
        "UMASK", "COMSAT",  "LINEBUF", "SENDMAIL",    "LOCKTIMEOUT", "PMDIR",
        "HOME",  "ORGMAIL", "NL",      "TIMEOUT"};
    if (kHarmless.count(name) != 0) {
      out.append(pad)
          .append("# " + name + "=" + value)
          .append(": procmail's own setting, not needed\n");
      return;
    }
    skip(out, pad, line,
         name == "INCLUDERC" || name == "SWITCHRC"
             ? name + " reads another rc file: convert it too and use include (RFC 6609)"
             : "variable " + name + " has no Sieve equivalent",
         {name + "=" + value});
  }

  void skip(std::string& out, const std::string& pad, std::size_t line, const std::string& reason,
            const std::vector<std::string>& original) {
    skipped_.push_back({line, reason});
    out.append(pad).append("# NOT TRANSLATED (line " + std::to_string(line) + "): ");
    out.append(reason).append("\n");
    for (const auto& o : original) out.append(pad).append("#   ").append(o).append("\n");
  }

  // ":0 flags: lockfile", its conditions and its action line.
  bool read_recipe(Recipe& r) {
    r.line = lines_[at_].number;
    r.original.push_back(lines_[at_].text);
    std::string head = lines_[at_].text.substr(2);
    head = head.substr(0, head.find('#'));  // procmailex(5): ":0 ehc   # a comment"
    for (char f : head.substr(0, head.find(':')))
      if (f != ' ' && f != '\t') r.flags.push_back(f);
    for (++at_; at_ < lines_.size(); ++at_) {
      const std::string& t = lines_[at_].text;
      if (!t.empty() && t[0] != '*' && t[0] != '#') break;
      if (t.empty() || t[0] != '*') continue;
      r.conditions.push_back(trim(t.substr(1)));
      r.original.push_back(t);
    }
    if (at_ >= lines_.size()) return false;
    r.action = lines_[at_++].text;
    r.original.push_back(r.action);
    return true;
  }

  // Why the recipe's flags keep it from being translated, or "".
  // `chained`: an "a" recipe after a "formail -D" with c.
  static std::string flag_problem(const Recipe& r, bool previous_if, bool chained) {
    for (char f : r.flags) {
      if (std::string_view("HBDAaEehbfcwWir").find(f) == std::string_view::npos)
        return std::string("unknown flag ") + f;
      if (std::string_view("AaEe").find(f) != std::string_view::npos &&
          !(f == 'E' && previous_if) && !(f == 'a' && chained))
        return std::string("flag ") + f + " (depends on the previous recipe's outcome)";
    }
    if (starts_with(r.action, "| formail -D") && !r.duplicate_check())
      return "formail -D without the w or W flag (procmail then ignores its answer)";
    if (r.nested() && r.has('c')) return "flag c on a block (procmail runs the block on a clone)";
    bool head_only = r.has('h') && !r.has('b');
    bool body_only = r.has('b') && !r.has('h');
    if (!r.nested() && (head_only || body_only) && !starts_with(r.action, "|") &&
        r.action.find("=|") == std::string::npos)
      return std::string("flag ") + (head_only ? "h" : "b") + " (only the " +
             (head_only ? "header" : "body") + " would be delivered)";
    return {};
  }

  // Emits one recipe. Returns whether it emitted an `if` (an E recipe
  // can then be its elsif).
  bool recipe(std::string& out, std::size_t depth, bool previous_if) {
    const std::string pad(depth * 4, ' ');
    Recipe r;
    if (!read_recipe(r)) {
      skip(out, pad, r.line, "the recipe has no action", r.original);
      return false;
    }
    // procmailex(5): ":0 Whc" + "formail -D", then ":0 a" files the
    // duplicates: the second recipe runs when the first found one.
    const bool chained =
        r.has('a') && pending_duplicate_ && r.flags.find_first_of("AEe") == std::string::npos;
    pending_duplicate_ = false;
    std::string problem = flag_problem(r, previous_if, chained);
    std::vector<std::string> tests;
    if (chained) tests.emplace_back("duplicate");
    for (const auto& c : r.conditions) {
      if (!problem.empty()) break;
      auto test = procmail::translate_condition(c, r.flags, capabilities_, problem);
      if (test) tests.push_back(*test);
    }
    if (problem.empty() && r.duplicate_check() && r.has('c')) {
      pending_duplicate_ = true;
      out.append(pad).append("# line " + std::to_string(r.line) + ": " + r.original.front());
      out.append(" | " + trim(r.action.substr(1)) + ": the duplicate test of the next recipe\n");
      return false;
    }
    if (r.duplicate_check()) tests.emplace_back("duplicate");
    std::string inner = problem.empty() || r.nested() ? body_of(r, depth, problem) : "";
    if (!problem.empty()) {
      skip(out, pad, r.line, problem, r.original);
      if (r.nested() && !inner.empty()) out += prefixed(inner, pad + "#");
      return false;
    }
    for (const auto& t : tests)
      if (t == "duplicate" || starts_with(t, "not duplicate")) capabilities_.insert("duplicate");
    return emit(out, r, pad, tests, inner);
  }

  // The block's recipes, or the action, one level in.
  std::string body_of(Recipe& r, std::size_t depth, std::string& problem) {
    std::string inner;
    if (!r.nested()) return action(r, std::string((depth + 1) * 4, ' '), problem);
    // "{ ... }" on one line: only an empty block is understood.
    if (r.action != "{" && r.action.back() == '}' &&
        trim(r.action.substr(1, r.action.size() - 2)).empty())
      r.action = "{}";
    if (r.action == "{") block(inner, depth + 1, true);
    if (r.action != "{" && r.action != "{}" && problem.empty()) problem = "a one-line block";
    return inner;
  }

  static bool emit(std::string& out, const Recipe& r, const std::string& pad,
                   const std::vector<std::string>& tests, const std::string& inner) {
    const std::string comment =
        pad + "# line " + std::to_string(r.line) + ": " + r.original.front() + "\n";
    if (r.has('E')) {
      // The elsif of the if just emitted; the comment sits between them.
      if (!out.empty() && out.back() == '\n') out.pop_back();
      out.append("\n").append(comment).append(pad).append("elsif " + all_of(tests, pad) + " {\n");
      out.append(inner).append(pad).append("}\n");
      return true;
    }
    out += comment;
    if (tests.empty()) {
      // Unconditional: the actions at this level.
      out += r.nested() ? inner : prefixed(inner, "", 4);
      return false;
    }
    out.append(pad)
        .append("if " + all_of(tests, pad) + " {\n")
        .append(inner)
        .append(pad)
        .append("}\n");
    return true;
  }

  std::string action(const Recipe& r, const std::string& pad, std::string& problem) {
    const std::string copy_tag = r.has('c') ? " :copy" : "";
    if (r.has('c')) capabilities_.insert("copy");
    const std::string stop = r.has('c') ? "" : pad + "stop;\n";
    const std::string& a = r.action;
    if (a == "/dev/null" || r.duplicate_check()) return pad + "discard;\n" + stop;
    if (a[0] == '|') {
      problem = "a pipe to a program: " + trim(a.substr(1));
      return {};
    }
    if (auto eq = a.find('='); eq != std::string::npos && a.find("=|") == eq) {
      problem = "a program's output assigned to a variable: " + a;
      return {};
    }
    std::string out =
        a[0] == '!' ? forward(a, pad, copy_tag, problem) : folders(a, pad, copy_tag, problem);
    return problem.empty() ? out + stop : std::string();
  }

  static std::string forward(const std::string& a, const std::string& pad,
                             const std::string& copy_tag, std::string& problem) {
    std::string out;
    for (const auto& address : procmail::words(a.substr(1))) {
      if (address[0] == '-' || address.find('$') != std::string::npos) {
        problem = "a forward with sendmail options or variables: " + a;
        return {};
      }
      out.append(pad).append("redirect").append(copy_tag).append(" ").append(quote(address));
      out.append(";\n");
    }
    if (out.empty()) problem = "a forward without an address";
    return out;
  }

  std::string folders(const std::string& a, const std::string& pad, const std::string& copy_tag,
                      std::string& problem) {
    std::string out;
    for (const auto& path : procmail::words(a)) {
      std::string note;
      auto folder = folder_name(path, note);
      if (!folder) {
        problem = "a folder named by a variable or a command: " + path;
        return {};
      }
      if (!note.empty()) out.append(pad).append("# ").append(note).append("\n");
      if (folder->empty()) {
        out.append(pad).append("keep;\n");
        continue;
      }
      capabilities_.insert("fileinto");
      out.append(pad).append("fileinto").append(copy_tag).append(" ").append(quote(*folder));
      out.append(";\n");
    }
    return out;
  }

  // A folder path as a Sieve folder name; "" for the inbox ($DEFAULT);
  // nullopt when a variable or a command names it.
  std::optional<std::string> folder_name(std::string path, std::string& note) {
    if (path == "$DEFAULT" || path == "${DEFAULT}" ||
        (variables_.count("DEFAULT") != 0 && path == variables_["DEFAULT"]))
      return std::string();
    const bool maildir = !path.empty() && path.back() == '/';
    const bool mh = path.size() >= 2 && path.substr(path.size() - 2) == "/.";
    if (mh) path.resize(path.size() - 2);
    while (!path.empty() && path.back() == '/') path.pop_back();
    path = without_maildir_prefix(path);
    if (path.find_first_of("$`") != std::string::npos) return std::nullopt;
    if (!path.empty() && path[0] == '/') {
      note = "the file " + path + " is now a folder of the Maildir";
      path = path.substr(path.rfind('/') + 1);
    } else if (!maildir && !mh) {
      note = "mbox " + path + " becomes a Maildir folder; move its old mail with a converter";
    }
    if (!path.empty() && path[0] == '.') path = path.substr(1);  // Maildir++ ".Lists"
    return path;
  }

  std::string without_maildir_prefix(const std::string& path) {
    std::vector<std::string> prefixes = {"$MAILDIR/",        "${MAILDIR}/", "$HOME/Maildir/",
                                         "${HOME}/Maildir/", "~/Maildir/",  "$HOME/Mail/",
                                         "~/Mail/",          "$HOME/mail/", "~/mail/"};
    if (variables_.count("MAILDIR") != 0) {
      std::string m = variables_["MAILDIR"];
      while (!m.empty() && m.back() == '/') m.pop_back();
      prefixes.insert(prefixes.begin(), m + "/");
    }
    for (const auto& p : prefixes)
      if (starts_with(path, p)) return path.substr(p.size());
    return path;
  }

  std::vector<Line> lines_;
  std::size_t at_ = 0;
  std::set<std::string> capabilities_;
  std::map<std::string, std::string> variables_;
  std::vector<ProcmailSkip> skipped_;
  bool pending_duplicate_ = false;  // a "formail -D" with c just ran (for an "a" recipe)
};

}  // namespace

ProcmailConversion convert_procmail(std::string_view rc) { return Converter().run(rc); }

}  // namespace mailroom::sieve
