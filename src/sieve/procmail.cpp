// procmailrc (procmailrc(5), procmailex(5)) to Sieve (RFC 5228). A recipe
// is ":0 flags [: lockfile]", conditions ("*" lines, all must hold), and
// one action: a folder, "! addresses", "| command" or a "{ ... }" block.
// A delivering recipe ends procmail's run, so it becomes
// `if CONDITIONS { ACTION; stop; }`; with the c flag (a copy) it does not
// stop and the action takes :copy (RFC 3894). Procmail's regular
// expressions are egrep's, case-insensitive unless D, matched against the
// header (H, default) or the body (B); "^Name:.*text" is a header test.
#include "mailroom/sieve/procmail.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mailroom::sieve {
namespace {

struct Line {
  std::size_t number;
  std::string text;  // continuation lines joined, leading blanks removed
};

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

std::vector<Line> logical_lines(std::string_view rc) {
  std::vector<Line> out;
  std::size_t number = 0;
  std::size_t start = 0;
  std::string pending;
  std::size_t pending_line = 0;
  while (start <= rc.size()) {
    auto end = rc.find('\n', start);
    if (end == std::string_view::npos) end = rc.size();
    std::string_view raw = rc.substr(start, end - start);
    ++number;
    start = end + 1;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (pending.empty()) pending_line = number;
    // procmailrc(5): a line ending in a backslash continues on the next,
    // whose leading blanks are ignored; what precedes the backslash stays.
    std::string_view piece = raw.substr(std::min(raw.size(), raw.find_first_not_of(" \t")));
    if (!piece.empty() && piece.back() == '\\') {
      pending += piece.substr(0, piece.size() - 1);
      continue;
    }
    pending += piece;
    pending = trim(pending);
    out.push_back({pending_line, pending});
    pending.clear();
    if (end == rc.size()) break;
  }
  return out;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

constexpr std::string_view kMeta = ".[]()*+?{}|^$\\";

// The text a regular expression matches literally, or nullopt when it
// uses an operator ("\." is a literal dot).
std::optional<std::string> literal(std::string_view re) {
  std::string out;
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size() && kMeta.find(re[i + 1]) != std::string_view::npos) {
      out.push_back(re[++i]);
      continue;
    }
    if (kMeta.find(re[i]) != std::string_view::npos) return std::nullopt;
    out.push_back(re[i]);
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// procmailrc(5) ^TO_: "any destination specification" header.
// (Original-)?(Resent-)?(To|Cc|Bcc), X-Envelope-To, Apparently(-Resent)?-To.
constexpr const char* kDestinations =
    "[\"to\", \"cc\", \"bcc\", \"resent-to\", \"resent-cc\", \"resent-bcc\", \"original-to\", "
    "\"original-cc\", \"original-bcc\", \"original-resent-to\", \"original-resent-cc\", "
    "\"original-resent-bcc\", \"x-envelope-to\", \"apparently-to\", \"apparently-resent-to\"]";

class Converter {
 public:
  ProcmailConversion run(std::string_view rc) {
    lines_ = logical_lines(rc);
    std::string body;
    block(body, 0, false);
    ProcmailConversion out;
    out.script = "# Converted from a procmailrc by mailroom sieve from-procmail.\n";
    if (!requires_.empty()) {
      out.script += "require [";
      bool first = true;
      for (const auto& r : requires_) {
        out.script += (first ? "" : ", ") + quote(r);
        first = false;
      }
      out.script += "];\n";
    }
    out.script += body;
    out.skipped = std::move(skipped_);
    return out;
  }

 private:
  struct Recipe {
    std::size_t line = 0;
    std::string flags;
    std::vector<std::string> conditions;
    std::string action;
    std::size_t end = 0;  // index of the action line (or the closing "}")
  };

  // Items until "}" (nested) or the end. Returns the index after it.
  std::size_t block(std::string& out, std::size_t depth, bool nested) {
    std::string pad(depth * 4, ' ');
    bool previous_if = false;  // the last item emitted was an if (for E)
    while (at_ < lines_.size()) {
      const Line& line = lines_[at_];
      const std::string& t = line.text;
      if (t.empty()) {
        // Blank lines kept (one at most), so the comments keep their places.
        if (!out.empty() && out.size() >= 2 && out.substr(out.size() - 2) != "\n\n") out += "\n";
        ++at_;
        continue;
      }
      if (t[0] == '#') {
        out += pad + t + "\n";
        ++at_;
        continue;
      }
      if (t == "}") {
        ++at_;
        if (!nested) skip(out, pad, line.number, "a '}' without its '{'", {t});
        return at_;
      }
      if (starts_with(t, ":0")) {
        previous_if = recipe(out, depth, previous_if);
        continue;
      }
      auto eq = t.find('=');
      if (eq != std::string::npos && eq > 0 &&
          std::all_of(t.begin(), t.begin() + static_cast<long>(eq), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
          })) {
        assignment(out, pad, line.number, t.substr(0, eq), t.substr(eq + 1));
        ++at_;
        continue;
      }
      skip(out, pad, line.number, "not a recipe or an assignment", {t});
      ++at_;
    }
    return at_;
  }

  void assignment(std::string& out, const std::string& pad, std::size_t line,
                  const std::string& name, std::string value) {
    // "SHELL=/bin/sh    # comment" (procmailex(5)); not inside quotes.
    if (!value.empty() && value[0] != '"' && value[0] != '\'') {
      auto hash = value.find_first_of('#');
      if (hash != std::string::npos && hash > 0 &&
          (value[hash - 1] == ' ' || value[hash - 1] == '\t'))
        value = trim(value.substr(0, hash));
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (name == "MAILDIR" || name == "DEFAULT") {
      variables_[name] = value;
      out += pad + "# " + name + "=" + value + ": folders are named relative to it\n";
      return;
    }
    static const std::set<std::string> kHarmless = {
        "PATH",  "SHELL",   "LOGFILE", "LOGABSTRACT", "VERBOSE",     "LOCKFILE",
        "UMASK", "COMSAT",  "LINEBUF", "SENDMAIL",    "LOCKTIMEOUT", "PMDIR",
        "HOME",  "ORGMAIL", "NL",      "TIMEOUT"};
    if (kHarmless.count(name) != 0) {
      out += pad + "# " + name + "=" + value + ": procmail's own setting, not needed\n";
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
    out += pad + "# NOT TRANSLATED (line " + std::to_string(line) + "): " + reason + "\n";
    for (const auto& o : original) out.append(pad).append("#   ").append(o).append("\n");
  }

  // Reads ":0 ..." and what follows; emits the Sieve. Returns whether an
  // `if` was emitted (an E recipe can then be its elsif).
  bool recipe(std::string& out, std::size_t depth, bool previous_if) {
    std::string pad(depth * 4, ' ');
    Recipe r;
    r.line = lines_[at_].number;
    std::string head = lines_[at_].text.substr(2);
    head = head.substr(0, head.find('#'));  // procmailex(5): ":0 ehc   # a comment"
    auto colon = head.find(':');
    for (char f : head.substr(0, colon))
      if (f != ' ' && f != '\t') r.flags.push_back(f);
    std::vector<std::string> original = {lines_[at_].text};
    ++at_;
    while (at_ < lines_.size() &&
           (lines_[at_].text.empty() || lines_[at_].text[0] == '*' || lines_[at_].text[0] == '#')) {
      if (!lines_[at_].text.empty() && lines_[at_].text[0] == '*') {
        r.conditions.push_back(trim(lines_[at_].text.substr(1)));
        original.push_back(lines_[at_].text);
      }
      ++at_;
    }
    if (at_ >= lines_.size()) {
      skip(out, pad, r.line, "the recipe has no action", original);
      return false;
    }
    r.action = lines_[at_].text;
    original.push_back(r.action);
    ++at_;
    std::string problem;
    // procmailex(5): ":0 Whc" + "formail -D", then ":0 a" files the
    // duplicates: the second recipe runs when the first found one.
    const bool chained = r.flags.find('a') != std::string::npos && pending_duplicate_ &&
                         r.flags.find_first_of("AEe") == std::string::npos;
    for (char f : r.flags) {
      if (std::string_view("AaEe").find(f) != std::string_view::npos &&
          !(f == 'E' && previous_if) && !(f == 'a' && chained))
        problem = std::string("flag ") + f + " (depends on the previous recipe's outcome)";
      if (std::string_view("HBDAaEehbfcwWir").find(f) == std::string_view::npos)
        problem = std::string("unknown flag ") + f;
    }
    std::vector<std::string> tests;
    for (const auto& c : r.conditions) {
      if (!problem.empty()) break;
      auto test = condition(c, r.flags, problem);
      if (test) tests.push_back(*test);
    }
    if (problem.empty() && starts_with(r.action, "| formail -D") && !is_duplicate_check(r))
      problem = "formail -D without the w or W flag (procmail then ignores its answer)";
    if (chained) {
      requires_.insert("duplicate");
      tests.insert(tests.begin(), "duplicate");
    }
    pending_duplicate_ = false;
    if (problem.empty() && is_duplicate_check(r) && r.flags.find('c') != std::string::npos) {
      pending_duplicate_ = true;
      out += pad + "# line " + std::to_string(r.line) + ": " + original.front() + " | " +
             trim(r.action.substr(1)) + ": the duplicate test of the next recipe\n";
      return false;
    }
    if (problem.empty() && is_duplicate_check(r)) {
      requires_.insert("duplicate");
      tests.emplace_back("duplicate");
    }
    bool nested = r.action == "{" || starts_with(r.action, "{ ") || r.action == "{}";
    if (nested && r.flags.find('c') != std::string::npos && problem.empty())
      problem = "flag c on a block (procmail runs the block on a clone)";
    bool head_only =
        r.flags.find('h') != std::string::npos && r.flags.find('b') == std::string::npos;
    bool body_only =
        r.flags.find('b') != std::string::npos && r.flags.find('h') == std::string::npos;
    if (!nested && (head_only || body_only) && r.action[0] != '|' &&
        r.action.find("=|") == std::string::npos && problem.empty())
      problem = std::string("flag ") + (head_only ? "h" : "b") + " (only the " +
                (head_only ? "header" : "body") + " would be delivered)";
    std::string inner;
    if (nested) {
      if (r.action != "{" && r.action != "{}" && r.action.back() == '}') {
        // "{ ... }" on one line: only an empty block is understood.
        if (trim(r.action.substr(1, r.action.size() - 2)).empty()) r.action = "{}";
      }
      if (r.action == "{") block(inner, depth + 1, true);
      if (r.action != "{" && r.action != "{}") problem = "a one-line block";
    } else if (problem.empty()) {
      inner = action(r, pad + "    ", problem);
    }
    if (!problem.empty()) {
      skip(out, pad, r.line, problem, original);
      if (nested && !inner.empty()) out += pad + "# (its block, translated, follows disabled)\n";
      if (nested && !inner.empty()) {
        // Keep the inner text visible but inactive.
        std::size_t s = 0;
        while (s < inner.size()) {
          auto e = inner.find('\n', s);
          out += pad + "#" + inner.substr(s, e - s) + "\n";
          s = e + 1;
        }
      }
      return false;
    }
    std::string keyword = r.flags.find('E') != std::string::npos ? "elsif" : "if";
    if (tests.empty() && keyword == "if") {
      out += pad + "# line " + std::to_string(r.line) + ": " + original.front() + "\n";
      out += nested ? inner : reindent(inner);
      return false;
    }
    std::string test = tests.empty()       ? "true"
                       : tests.size() == 1 ? tests.front()
                                           : all_of(tests, pad);
    if (keyword == "elsif") {
      // Attach to the if just emitted: drop its closing newline.
      if (!out.empty() && out.back() == '\n') out.pop_back();
      out += "\n" + pad + "# line " + std::to_string(r.line) + ": " + original.front() + "\n" +
             pad + "elsif " + test + " {\n" + inner + pad + "}\n";
      return true;
    }
    out += pad + "# line " + std::to_string(r.line) + ": " + original.front() + "\n";
    out += pad + "if " + test + " {\n" + inner + pad + "}\n";
    return true;
  }

  static bool is_duplicate_check(const Recipe& r) {
    std::string command = trim(r.action.substr(1));
    return r.action[0] == '|' && starts_with(command, "formail -D ") &&
           r.flags.find_first_of("wW") != std::string::npos;
  }

  // Unconditional actions sit at the block's own depth.
  static std::string reindent(const std::string& inner) {
    std::string out;
    std::size_t s = 0;
    while (s < inner.size()) {
      auto e = inner.find('\n', s);
      std::string line = inner.substr(s, e - s);
      out += (line.size() >= 4 ? line.substr(4) : line) + "\n";
      s = e + 1;
    }
    return out;
  }

  static std::string all_of(const std::vector<std::string>& tests, const std::string& pad) {
    std::string out = "allof (";
    for (std::size_t i = 0; i < tests.size(); ++i) {
      out += (i == 0 ? "" : ",\n" + pad + "       ") + tests[i];
    }
    return out + ")";
  }

  // One condition line (without the "*"); nullopt with `problem` set.
  std::optional<std::string> condition(std::string c, const std::string& flags,
                                       std::string& problem) {
    bool negate = false;
    if (!c.empty() && c[0] == '!') {
      negate = true;
      c = trim(c.substr(1));
    }
    // procmailrc(5): "\\" quotes a leading special character; it is a
    // regular expression then.
    auto test = !c.empty() && c[0] == '\\' ? plain_condition(c.substr(1), flags, problem)
                                           : positive_condition(c, flags, problem);
    if (!test) return std::nullopt;
    return negate ? "not " + *test : *test;
  }

  std::optional<std::string> positive_condition(std::string c, const std::string& flags,
                                                std::string& problem) {
    if (c.empty()) return "true";
    if (c[0] == '<' || c[0] == '>') {
      std::string n = trim(c.substr(1));
      if (n.empty() || !std::all_of(n.begin(), n.end(), ::isdigit)) {
        problem = "a size condition without a number";
        return std::nullopt;
      }
      // procmail: "> N" is true when the message is longer than N bytes.
      return std::string(c[0] == '>' ? "size :over " : "size :under ") + n;
    }
    if (c[0] == '?') {
      problem = "a condition on a program's exit code ('?')";
      return std::nullopt;
    }
    if (c[0] == '$') {
      problem = "a condition with variables expanded ('$')";
      return std::nullopt;
    }
    auto weight_end = c.find_first_not_of("0123456789.- \t");
    if (weight_end != std::string::npos && weight_end > 0 && c[weight_end] == '^') {
      problem = "a weighted (scoring) condition";
      return std::nullopt;
    }
    return plain_condition(c, flags, problem);
  }

  // A regular expression, on the header or the body.
  std::optional<std::string> plain_condition(std::string c, const std::string& flags,
                                             std::string& problem) {
    bool body = flags.find('B') != std::string::npos;
    bool header = !body || flags.find('H') != std::string::npos;
    auto qq = c.find("??");
    if (qq != std::string::npos) {
      std::string what = trim(c.substr(0, qq));
      c = trim(c.substr(qq + 2));
      if (what == "B") {
        body = true;
        header = false;
      } else if (what == "H") {
        body = false;
        header = true;
      } else {
        problem =
            "a condition on " + (what.empty() ? std::string("a variable") : what) + " ('?\?')";
        return std::nullopt;
      }
    }
    if (body && header) {
      problem = "a condition on header and body together (HB)";
      return std::nullopt;
    }
    bool exact_case = flags.find('D') != std::string::npos;
    if (body) return body_test(c, exact_case);
    return header_test(c, exact_case, problem);
  }

  std::string comparator(bool exact_case) { return exact_case ? " :comparator \"i;octet\"" : ""; }

  // `name :regex [:comparator] [arguments] "re"` (draft-murchison-sieve-regex).
  std::string regex_test(const std::string& name, const std::string& arguments,
                         const std::string& re, bool exact_case) {
    requires_.insert("regex");
    // procmail's \\< and \\> (a non-word character or an edge) as \\b.
    std::string converted;
    for (std::size_t i = 0; i < re.size(); ++i) {
      if (re[i] == '\\' && i + 1 < re.size() && (re[i + 1] == '<' || re[i + 1] == '>')) {
        converted += "\\b";
        ++i;
        continue;
      }
      converted += re[i];
      if (re[i] == '\\' && i + 1 < re.size()) converted += re[++i];
    }
    return name + " :regex" + comparator(exact_case) + (arguments.empty() ? "" : " ") + arguments +
           " " + quote(converted);
  }

  std::string body_test(const std::string& re, bool exact_case) {
    requires_.insert("body");
    std::string stripped = re;
    while (starts_with(stripped, ".*")) stripped = stripped.substr(2);
    if (auto text = literal(stripped); text && !text->empty()) {
      return "body :contains" + comparator(exact_case) + " " + quote(*text);
    }
    return regex_test("body", "", re, exact_case);
  }

  // "^Name:REST" → a header test; ^TO_, ^TO, ^FROM_DAEMON, ^FROM_MAILER as
  // procmailrc(5) defines them.
  std::optional<std::string> header_test(const std::string& re, bool exact_case,
                                         std::string& problem) {
    if (starts_with(re, "^TO_") || (starts_with(re, "^TO") && !starts_with(re, "^To:"))) {
      std::string rest = re.substr(starts_with(re, "^TO_") ? 4 : 3);
      auto text = literal(rest);
      std::string key = text ? *text : rest;
      if (text)
        return "header :contains" + comparator(exact_case) + " " + kDestinations + " " + quote(key);
      return regex_test("header", kDestinations, rest, exact_case);
    }
    if (re == "^FROM_DAEMON" || re == "^FROM_MAILER") return from_daemon(re == "^FROM_DAEMON");
    if (re.empty() || re[0] != '^') {
      problem = "a regular expression on the whole header, not on one field";
      return std::nullopt;
    }
    auto colon = re.find(':');
    auto any = re.find(".*");
    if (colon == std::string::npos && any != std::string::npos && any > 1 &&
        literal(re.substr(1, any - 1))) {
      // procmailex(5) "^From.*peter": the From field (procmail also saw
      // the "From " line and fields that begin with "From").
      auto text = literal(re.substr(any + 2));
      std::string name = lower(re.substr(1, any - 1));
      if (text && !text->empty() && name.find_first_of(" \t") == std::string::npos)
        return "header :contains" + comparator(exact_case) + " " + quote(name) + " " + quote(*text);
    }
    if (colon == std::string::npos) {
      problem = "a regular expression on the whole header, not on one field";
      return std::nullopt;
    }
    std::string names_re = re.substr(1, colon - 1);
    std::vector<std::string> names;
    if (names_re.size() > 2 && names_re.front() == '(' && names_re.back() == ')') {
      std::string inner = names_re.substr(1, names_re.size() - 2);
      std::size_t s = 0;
      while (s <= inner.size()) {
        auto bar = inner.find('|', s);
        if (bar == std::string::npos) bar = inner.size();
        names.push_back(inner.substr(s, bar - s));
        s = bar + 1;
      }
    } else {
      names.push_back(names_re);
    }
    for (auto& n : names) {
      auto text = literal(n);
      if (!text || text->empty() || text->find_first_of(" :") != std::string::npos) {
        problem = "a header name that is itself a pattern: " + names_re;
        return std::nullopt;
      }
      n = lower(*text);
    }
    std::string list;
    if (names.size() == 1) {
      list = quote(names.front());
    } else {
      list = "[";
      for (std::size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + quote(names[i]);
      list += "]";
    }
    std::string value = re.substr(colon + 1);
    // "Name:.*x" anywhere in the value; "Name: x" or "Name:[ ]*x" at its
    // start (a header value starts after the blanks, RFC 5322 §2.2).
    bool anywhere = false;
    while (starts_with(value, ".*")) {
      value = value.substr(2);
      anywhere = true;
    }
    for (std::string_view blank : {std::string_view("[ \t]*"), std::string_view("[ ]*"),
                                   std::string_view(" *"), std::string_view(" ")}) {
      if (!anywhere && starts_with(value, blank)) {
        value = value.substr(blank.size());
        break;
      }
    }
    while (starts_with(value, ".*")) {
      value = value.substr(2);
      anywhere = true;
    }
    bool to_end = !value.empty() && value.back() == '$' &&
                  (value.size() < 2 || value[value.size() - 2] != '\\');
    std::string middle = to_end ? value.substr(0, value.size() - 1) : value;
    auto text = literal(middle);
    std::string test = "header";
    if (value.empty()) return "exists " + list;
    if (text) {
      if (anywhere && !to_end)
        return test + " :contains" + comparator(exact_case) + " " + list + " " + quote(*text);
      std::string pattern;
      for (char ch : *text) {
        if (ch == '*' || ch == '?' || ch == '\\') pattern.push_back('\\');
        pattern.push_back(ch);
      }
      if (!anywhere && to_end)
        return test + " :is" + comparator(exact_case) + " " + list + " " + quote(*text);
      pattern = (anywhere ? "*" : "") + pattern + (to_end ? "" : "*");
      return test + " :matches" + comparator(exact_case) + " " + list + " " + quote(pattern);
    }
    return regex_test(test, list, (anywhere ? "" : "^") + value, exact_case);
  }

  // procmailrc(5) ^FROM_MAILER: a sender whose local part is one of the
  // daemon names, alone or followed by a separator ("mailer-daemon",
  // "owner-list"); ^FROM_DAEMON adds more names and the marks of list and
  // bulk mail. Spelled as :matches keys, without regex.
  static std::string from_daemon(bool daemon) {
    std::vector<std::string> words = {
        "postmaster", "postman", "postoffice", "mail",      "mailer",        "sendmail",
        "sendmailer", "daemon",  "mmdf",       "uucp",      "nuucp",         "ops",
        "response",   "root",    "smtp",       "smtperror", "bbs.smtp",      "services",
        "service",    "server",  "system",     "admin",     "administrator", "ammgr"};
    if (daemon) {
      for (const char* w : {"majordomo", "listserv", "listproc", "netserv", "owner", "request",
                            "bounce", "echo", "mirror", "autoanswer", "postmastr"})
        words.emplace_back(w);
    }
    std::string keys;
    for (const auto& w : words) {
      for (const char* tail : {"", "-*", "_*", "+*"})
        keys += (keys.empty() ? "" : ", ") + quote(w + tail);
    }
    std::string sender =
        "address :localpart :matches [\"from\", \"sender\", \"resent-from\", "
        "\"resent-sender\"] [" +
        keys + "]";
    if (!daemon) return sender;
    return "anyof (" + sender +
           ",\n        exists \"mailing-list\","
           "\n        header :contains \"precedence\" [\"junk\", \"bulk\", \"list\"],"
           "\n        header :matches \"to\" \"Multiple recipients of *\")";
  }

  // A folder path as a Sieve folder name; "" for the inbox ($DEFAULT).
  std::optional<std::string> folder_name(std::string path, std::string& note) {
    for (const char* v : {"$DEFAULT", "${DEFAULT}"}) {
      if (path == v) return std::string();
    }
    if (variables_.count("DEFAULT") && path == variables_["DEFAULT"]) return std::string();
    bool maildir = !path.empty() && path.back() == '/';
    bool mh = path.size() >= 2 && path.substr(path.size() - 2) == "/.";
    if (mh) path.resize(path.size() - 2);
    while (!path.empty() && path.back() == '/') path.pop_back();
    std::vector<std::string> prefixes = {"$MAILDIR/",        "${MAILDIR}/", "$HOME/Maildir/",
                                         "${HOME}/Maildir/", "~/Maildir/",  "$HOME/Mail/",
                                         "~/Mail/",          "$HOME/mail/", "~/mail/"};
    if (variables_.count("MAILDIR")) {
      std::string m = variables_["MAILDIR"];
      while (!m.empty() && m.back() == '/') m.pop_back();
      prefixes.insert(prefixes.begin(), m + "/");
    }
    for (const auto& p : prefixes) {
      if (starts_with(path, p)) {
        path = path.substr(p.size());
        break;
      }
    }
    if (path.find('$') != std::string::npos || path.find('`') != std::string::npos)
      return std::nullopt;
    if (!path.empty() && path[0] == '/') {
      note = "the file " + path + " is now a folder of the Maildir";
      path = path.substr(path.rfind('/') + 1);
    } else if (!maildir && !mh) {
      note = "mbox " + path + " becomes a Maildir folder; move its old mail with a converter";
    }
    if (!path.empty() && path[0] == '.') path = path.substr(1);  // Maildir++ ".Lists"
    if (path.empty()) return std::string();
    return path;
  }

  std::string action(const Recipe& r, const std::string& pad, std::string& problem) {
    const bool copy = r.flags.find('c') != std::string::npos;
    const std::string copy_tag = copy ? " :copy" : "";
    if (copy) requires_.insert("copy");
    const std::string stop = copy ? "" : pad + "stop;\n";
    const std::string& a = r.action;
    if (a[0] == '!') {
      std::string out;
      std::size_t s = 1;
      while (s < a.size()) {
        auto b = a.find_first_not_of(" \t", s);
        if (b == std::string::npos) break;
        auto e = a.find_first_of(" \t", b);
        std::string address = a.substr(b, e == std::string::npos ? std::string::npos : e - b);
        if (address[0] == '-' || address.find('$') != std::string::npos) {
          problem = "a forward with sendmail options or variables: " + a;
          return {};
        }
        out.append(pad)
            .append("redirect")
            .append(copy_tag)
            .append(" ")
            .append(quote(address))
            .append(";\n");
        s = e == std::string::npos ? a.size() : e;
      }
      if (out.empty()) problem = "a forward without an address";
      return out + stop;
    }
    if (a[0] == '|') {
      std::string command = trim(a.substr(1));
      if (is_duplicate_check(r)) {
        // procmailex(5): "formail -D N cache" exits 0 for a Message-ID seen
        // before; with w/W that counts as delivered: the copy is dropped.
        // The recipe's test holds `duplicate` (RFC 7352).
        return pad + "discard;\n" + stop;
      }
      problem = "a pipe to a program: " + command;
      return {};
    }
    if (a == "/dev/null") return pad + "discard;\n" + stop;
    if (auto eq = a.find('=');
        eq != std::string::npos && eq > 0 && eq + 1 < a.size() && a[eq + 1] == '|') {
      problem = "a program's output assigned to a variable: " + a;
      return {};
    }
    std::string out;
    std::size_t s = 0;
    while (s < a.size()) {
      auto b = a.find_first_not_of(" \t", s);
      if (b == std::string::npos) break;
      auto e = a.find_first_of(" \t", b);
      std::string path = a.substr(b, e == std::string::npos ? std::string::npos : e - b);
      s = e == std::string::npos ? a.size() : e;
      std::string note;
      auto folder = folder_name(path, note);
      if (!folder) {
        problem = "a folder named by a variable or a command: " + path;
        return {};
      }
      if (!note.empty()) out.append(pad).append("# ").append(note).append("\n");
      if (folder->empty()) {
        out += pad + "keep;\n";
        continue;
      }
      requires_.insert("fileinto");
      out.append(pad)
          .append("fileinto")
          .append(copy_tag)
          .append(" ")
          .append(quote(*folder))
          .append(";\n");
    }
    return out + stop;
  }

  std::vector<Line> lines_;
  std::size_t at_ = 0;
  std::set<std::string> requires_;
  std::map<std::string, std::string> variables_;
  std::vector<ProcmailSkip> skipped_;
  bool pending_duplicate_ = false;  // a "formail -D" with c just ran (for an "a" recipe)
};

}  // namespace

ProcmailConversion convert_procmail(std::string_view rc) { return Converter().run(rc); }

}  // namespace mailroom::sieve
