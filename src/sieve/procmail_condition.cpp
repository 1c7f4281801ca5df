// One procmail condition (procmailrc(5), "Conditions") as a Sieve test.
// Patterns are egrep's, case-insensitive unless the D flag (Sieve's
// default comparator i;ascii-casemap is too), on the header (H, the
// default) or the body (B). Plain text becomes :contains, :matches or :is;
// a pattern with operators :regex (draft-murchison-sieve-regex).
#include <algorithm>
#include <cctype>

#include "sieve/procmail_text.hpp"

namespace mailroom::sieve::procmail {
namespace {

// procmailrc(5) ^TO_: (Original-)?(Resent-)?(To|Cc|Bcc), X-Envelope-To,
// Apparently(-Resent)?-To.
constexpr const char* kDestinations =
    "[\"to\", \"cc\", \"bcc\", \"resent-to\", \"resent-cc\", \"resent-bcc\", \"original-to\", "
    "\"original-cc\", \"original-bcc\", \"original-resent-to\", \"original-resent-cc\", "
    "\"original-resent-bcc\", \"x-envelope-to\", \"apparently-to\", \"apparently-resent-to\"]";

// procmailrc(5) ^FROM_MAILER: a sender whose local part is one of the
// daemon names, alone or followed by a separator ("mailer-daemon",
// "owner-list"); ^FROM_DAEMON adds more names and the marks of list and
// bulk mail. Spelled as :matches keys, without regex.
std::string from_daemon(bool daemon) {
  std::vector<std::string> names = {
      "postmaster", "postman", "postoffice", "mail",      "mailer",        "sendmail",
      "sendmailer", "daemon",  "mmdf",       "uucp",      "nuucp",         "ops",
      "response",   "root",    "smtp",       "smtperror", "bbs.smtp",      "services",
      "service",    "server",  "system",     "admin",     "administrator", "ammgr"};
  if (daemon) {
    for (const char* w : {"majordomo", "listserv", "listproc", "netserv", "owner", "request",
                          "bounce", "echo", "mirror", "autoanswer", "postmastr"})
      names.emplace_back(w);
  }
  std::string keys;
  for (const auto& w : names) {
    for (const char* tail : {"", "-*", "_*", "+*"})
      keys.append(keys.empty() ? "" : ", ").append(quote(w + tail));
  }
  std::string sender =
      "address :localpart :matches [\"from\", \"sender\", \"resent-from\", \"resent-sender\"] [";
  sender.append(keys).append("]");
  if (!daemon) return sender;
  return "anyof (" + sender +
         ",\n        exists \"mailing-list\","
         "\n        header :contains \"precedence\" [\"junk\", \"bulk\", \"list\"],"
         "\n        header :matches \"to\" \"Multiple recipients of *\")";
}

// "(From|Sender)" or "Subject" before the colon: the field names, lower
// case, as a Sieve string or list; nullopt when a name is a pattern.
std::optional<std::string> field_names(const std::string& written) {
  std::vector<std::string> names;
  if (written.size() > 2 && written.front() == '(' && written.back() == ')') {
    std::string inner = written.substr(1, written.size() - 2);
    std::replace(inner.begin(), inner.end(), '|', ' ');
    names = words(inner);
  } else {
    names.push_back(written);
  }
  std::string list;
  for (const auto& n : names) {
    auto text = literal(n);
    if (!text || text->empty() || text->find_first_of(" :") != std::string::npos)
      return std::nullopt;
    list.append(list.empty() ? "" : ", ").append(quote(lower(*text)));
  }
  return names.size() == 1 ? list : "[" + list + "]";
}

class Translator {
 public:
  Translator(std::string_view flags, std::set<std::string>& capabilities, std::string& problem)
      : flags_(flags),
        exact_case_(flags.find('D') != std::string_view::npos),
        capabilities_(capabilities),
        problem_(problem) {}

  std::optional<std::string> condition(std::string c) {
    const bool negate = starts_with(c, "!");
    if (negate) c = trim(std::string_view(c).substr(1));
    // "\" quotes a leading special character: a pattern then.
    auto test = !c.empty() && c[0] == '\\' ? pattern(c.substr(1)) : special(c);
    if (!test) return std::nullopt;
    return negate ? "not " + *test : *test;
  }

 private:
  std::optional<std::string> refuse(std::string why) {
    problem_ = std::move(why);
    return std::nullopt;
  }

  // Sizes, programs, variables and weights; else a pattern.
  std::optional<std::string> special(const std::string& c) {
    if (c.empty()) return "true";
    if (c[0] == '<' || c[0] == '>') {
      std::string n = trim(c.substr(1));
      if (n.empty() || !std::all_of(n.begin(), n.end(), ::isdigit))
        return refuse("a size condition without a number");
      // "> N": the message is longer than N bytes.
      return std::string(c[0] == '>' ? "size :over " : "size :under ") + n;
    }
    if (c[0] == '?') return refuse("a condition on a program's exit code ('?')");
    if (c[0] == '$') return refuse("a condition with variables expanded ('$')");
    auto weight_end = c.find_first_not_of("0123456789.- \t");
    if (weight_end != std::string::npos && weight_end > 0 && c[weight_end] == '^')
      return refuse("a weighted (scoring) condition");
    return pattern(c);
  }

  // A pattern on the header or the body ("B ??" and "H ??" override the flags).
  std::optional<std::string> pattern(std::string c) {
    bool body = flags_.find('B') != std::string_view::npos;
    bool header = !body || flags_.find('H') != std::string_view::npos;
    if (auto qq = c.find("??"); qq != std::string::npos) {
      std::string what = trim(c.substr(0, qq));
      c = trim(c.substr(qq + 2));
      if (what != "B" && what != "H")
        return refuse("a condition on " + (what.empty() ? std::string("a variable") : what) +
                      " ('?\?')");
      body = what == "B";
      header = what == "H";
    }
    if (body && header) return refuse("a condition on header and body together (HB)");
    if (body) return body_test(c);
    return header_test(c);
  }

  std::string comparator() const { return exact_case_ ? " :comparator \"i;octet\"" : ""; }

  std::string simple(const char* name, const char* match, const std::string& fields,
                     const std::string& key) const {
    std::string out(name);
    out.append(" ").append(match).append(comparator());
    if (!fields.empty()) out.append(" ").append(fields);
    return out.append(" ").append(quote(key));
  }

  // `name :regex [:comparator] [fields] "re"`; procmail's \< and \> (a
  // non-word character or an edge) as \b.
  std::string regex(const char* name, const std::string& fields, const std::string& re) {
    capabilities_.insert("regex");
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
    return simple(name, ":regex", fields, converted);
  }

  std::string body_test(const std::string& re) {
    capabilities_.insert("body");
    std::string stripped = re;
    while (starts_with(stripped, ".*")) stripped = stripped.substr(2);
    if (auto text = literal(stripped); text && !text->empty())
      return simple("body", ":contains", "", *text);
    return regex("body", "", re);
  }

  std::optional<std::string> header_test(const std::string& re) {
    if (starts_with(re, "^TO_") || (starts_with(re, "^TO") && !starts_with(re, "^To:"))) {
      std::string rest = re.substr(starts_with(re, "^TO_") ? 4 : 3);
      if (auto text = literal(rest)) return simple("header", ":contains", kDestinations, *text);
      return regex("header", kDestinations, rest);
    }
    if (re == "^FROM_DAEMON" || re == "^FROM_MAILER") return from_daemon(re == "^FROM_DAEMON");
    auto colon = re.find(':');
    if (!starts_with(re, "^") || colon == std::string::npos) return loose_field(re);
    auto names = field_names(re.substr(1, colon - 1));
    if (!names) return refuse("a header name that is itself a pattern: " + re.substr(1, colon - 1));
    return field_value(*names, re.substr(colon + 1));
  }

  // procmailex(5) "^From.*peter": the From field (procmail also saw the
  // "From " line and fields whose names begin with "From").
  std::optional<std::string> loose_field(const std::string& re) {
    auto any = re.find(".*");
    if (starts_with(re, "^") && any != std::string::npos && any > 1) {
      auto name = literal(re.substr(1, any - 1));
      auto text = literal(re.substr(any + 2));
      if (name && text && !text->empty() && name->find_first_of(" \t:") == std::string::npos)
        return simple("header", ":contains", quote(lower(*name)), *text);
    }
    return refuse("a regular expression on the whole header, not on one field");
  }

  // What follows "Name:": ".*x" anywhere in the value; " x" or "[ ]*x" at
  // its start (a value starts after the blanks, RFC 5322 §2.2); "x$" at
  // its end.
  std::string field_value(const std::string& names, std::string value) {
    bool anywhere = false;
    auto skip_any = [&] {
      while (starts_with(value, ".*")) {
        value = value.substr(2);
        anywhere = true;
      }
    };
    skip_any();
    for (std::string_view blank : {"[ \t]*", "[ ]*", " *", " "}) {
      if (anywhere || !starts_with(value, blank)) continue;
      value = value.substr(blank.size());
      break;
    }
    skip_any();
    if (value.empty()) return "exists " + names;
    bool to_end = value.back() == '$' && (value.size() < 2 || value[value.size() - 2] != '\\');
    auto text = literal(to_end ? value.substr(0, value.size() - 1) : value);
    if (!text) return regex("header", names, (anywhere ? "" : "^") + value);
    if (anywhere && !to_end) return simple("header", ":contains", names, *text);
    if (!anywhere && to_end) return simple("header", ":is", names, *text);
    std::string wildcard = anywhere ? "*" : "";
    for (char ch : *text) {
      if (ch == '*' || ch == '?' || ch == '\\') wildcard.push_back('\\');
      wildcard.push_back(ch);
    }
    if (!to_end) wildcard.push_back('*');
    return simple("header", ":matches", names, wildcard);
  }

  std::string_view flags_;
  bool exact_case_;
  std::set<std::string>& capabilities_;
  std::string& problem_;
};

}  // namespace

std::optional<std::string> translate_condition(std::string condition, std::string_view flags,
                                               std::set<std::string>& capabilities,
                                               std::string& problem) {
  return Translator(flags, capabilities, problem).condition(std::move(condition));
}

}  // namespace mailroom::sieve::procmail
