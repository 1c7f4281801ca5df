// Public Suffix List: the publicsuffix.org test vectors (Debian ships them)
// over both forms of Debian's list, the compiled DAFSA against the text for
// every rule, our own table over a small list in both forms, and corrupt
// DAFSA files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/auth/psl.hpp"
#include "mailroom/message/address.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::auth {
namespace {

constexpr const char* kList = "/usr/share/publicsuffix/public_suffix_list.dat";
constexpr const char* kDafsa = "/usr/share/publicsuffix/public_suffix_list.dafsa";
constexpr const char* kVectors = "/usr/share/doc/publicsuffix/examples/test_psl.txt";

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = testing::TempDir() + "/mailroom-psl-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  return path;
}

// "checkPublicSuffix('a.b', 'b');" -> {"a.b", "b"}; null -> nullopt.
std::optional<std::string> argument(std::string_view& rest) {
  auto start = rest.find_first_of("'n");
  if (start == std::string_view::npos) return std::nullopt;
  if (rest[start] == 'n') {
    rest.remove_prefix(start + 4);
    return std::nullopt;
  }
  auto end = rest.find('\'', start + 1);
  std::string out(rest.substr(start + 1, end - start - 1));
  rest.remove_prefix(end + 1);
  return out;
}

class PublicSuffixOrgVectors : public testing::TestWithParam<const char*> {};

TEST_P(PublicSuffixOrgVectors, Pass) {
  std::ifstream vectors(kVectors);
  if (!vectors) MAILROOM_SKIP_OR_FAIL() << kVectors << " absent";
  if (!std::ifstream(GetParam())) MAILROOM_SKIP_OR_FAIL() << GetParam() << " absent";
  auto list = PublicSuffixList::load(GetParam());
  ASSERT_TRUE(list) << list.error().message;
  std::string line;
  int checked = 0;
  while (std::getline(vectors, line)) {
    std::string_view rest = line;
    if (!rest.starts_with("checkPublicSuffix(")) continue;
    rest.remove_prefix(18);
    auto input = argument(rest);
    auto expected = argument(rest);
    if (!input) continue;  // null input: nothing to call with
    EXPECT_EQ(list->registrable_domain(*input), expected) << line;
    ++checked;
  }
  EXPECT_GT(checked, 60);
}

INSTANTIATE_TEST_SUITE_P(TextAndDafsa, PublicSuffixOrgVectors, testing::Values(kList, kDafsa));

TEST(PublicSuffixList, LoadsEitherFormatByHeader) {
  if (!std::ifstream(kList) || !std::ifstream(kDafsa))
    MAILROOM_SKIP_OR_FAIL() << "publicsuffix absent";
  auto text = PublicSuffixList::load(kList);
  auto dafsa = PublicSuffixList::load(kDafsa);
  ASSERT_TRUE(text) << text.error().message;
  ASSERT_TRUE(dafsa) << dafsa.error().message;
  for (const char* domain : {"a.b.example.co.uk", "mail.example.com", "mail.example.com"}) {
    EXPECT_EQ(text->registrable_domain(domain), dafsa->registrable_domain(domain)) << domain;
  }
  EXPECT_EQ(dafsa->registrable_domain("a.b.example.co.uk").value_or(""), "example.co.uk");
  EXPECT_GT(text->rule_count(), 5000U);
  EXPECT_EQ(dafsa->rule_count(), 0U);  // a DAFSA keeps no count
}

// The rules of the text list, each with whether it is in the private section.
struct Rule {
  std::string text;
  bool in_private;
};

std::vector<Rule> rules_of(std::string_view list) {
  std::vector<Rule> rules;
  bool in_private = false;
  std::istringstream lines{std::string(list)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("//")) {
      in_private = in_private || line.find("===BEGIN PRIVATE DOMAINS===") != std::string::npos;
      continue;
    }
    std::string rule = line.substr(0, line.find_first_of(" \t\r"));
    if (!rule.empty()) rules.push_back({rule, in_private});
  }
  return rules;
}

std::string last_label(std::string_view rule) {
  auto dot = rule.rfind('.');
  return std::string(dot == std::string_view::npos ? rule : rule.substr(dot + 1));
}

// The text list cut per TLD: the rules ending in that label, in their
// sections. A text lookup only ever compares rules ending in the query's
// last label, so each answers as the whole text does, in a fraction of the
// time (the whole text costs about 0.1 ms per new domain; this test asks
// 80,000 questions).
std::map<std::string, PublicSuffixList> text_by_tld(const std::vector<Rule>& rules) {
  std::map<std::string, std::pair<std::string, std::string>> texts;
  for (const auto& rule : rules) {
    auto& [icann, priv] = texts[last_label(rule.text)];
    (rule.in_private ? priv : icann) += rule.text + "\n";
  }
  std::map<std::string, PublicSuffixList> lists;
  for (auto& [tld, text] : texts) {
    lists.emplace(tld, PublicSuffixList::from_text(text.first + "// ===BEGIN PRIVATE DOMAINS===\n" +
                                                   text.second));
  }
  return lists;
}

// The domains to ask about one rule: under it ("x.y.<rule>"), the rule
// without its "*." or "!", the rule as written, and the A-label forms.
std::vector<std::string> domains_for(const std::string& rule) {
  std::string bare = rule;
  if (bare.starts_with("*.")) bare.erase(0, 2);
  if (bare.starts_with("!")) bare.erase(0, 1);
  std::vector<std::string> out = {"x.y." + bare, bare};
  if (bare != rule) out.push_back(rule);
  if (auto ascii = message::domain_to_ascii(bare); ascii && *ascii != bare) {
    out.push_back("x.y." + *ascii);
    out.push_back(*ascii);
  }
  return out;
}

TEST(PublicSuffixList, DafsaAnswersAsTheTextForEveryRule) {
  auto text = read_file(kList);
  if (!text || !std::ifstream(kDafsa)) MAILROOM_SKIP_OR_FAIL() << "publicsuffix absent";
  auto dafsa = PublicSuffixList::load(kDafsa);
  ASSERT_TRUE(dafsa) << dafsa.error().message;
  const auto rules = rules_of(*text);
  ASSERT_GT(rules.size(), 5000U);
  auto by_tld = text_by_tld(rules);
  for (bool private_rules : {true, false}) {
    dafsa->use_private_rules(private_rules);
    for (auto& [tld, list] : by_tld) list.use_private_rules(private_rules);
    int differ = 0;
    for (const auto& rule : rules) {
      const auto& oracle = by_tld.at(last_label(rule.text));
      for (const auto& domain : domains_for(rule.text)) {
        auto want = oracle.registrable_domain(domain);
        auto got = dafsa->registrable_domain(domain);
        if (want == got || ++differ > 20) continue;
        ADD_FAILURE() << domain << " (private rules " << private_rules << "): text "
                      << want.value_or("(none)") << ", DAFSA " << got.value_or("(none)");
      }
    }
    EXPECT_EQ(differ, 0) << "private rules " << private_rules;
  }
}

// --- A DAFSA of our own: the small list below, compiled by a writer made for
// this test (a trie, one char per node, every link three bytes: larger than
// libpsl's output, the same format).

// A word in the graph's alphabet: a UTF-8 sequence becomes 0x1F and its
// bytes with the top bits turned into 01.
std::string graph_form(std::string_view word) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    auto c = static_cast<unsigned char>(word[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    out.push_back('\x1F');
    out.push_back(static_cast<char>(c ^ 0x80U));
    while (i + 1 < word.size() && (static_cast<unsigned char>(word[i + 1]) & 0xC0U) == 0x80U) {
      out.push_back(static_cast<char>(static_cast<unsigned char>(word[++i]) ^ 0xC0U));
    }
  }
  return out;
}

class DafsaWriter {
 public:
  void add(const std::string& word, unsigned value) {
    std::size_t node = 0;
    for (char c : word) {
      auto [it, added] = nodes_[node].children.emplace(c, nodes_.size());
      const std::size_t next = it->second;
      if (added) nodes_.push_back(Node{.label = c});
      node = next;
    }
    nodes_[node].value = value;
  }

  // Nodes in preorder, so every link jumps forward.
  [[nodiscard]] std::string file(bool utf8) {
    std::vector<std::size_t> order;
    place(0, order);
    std::string graph(size_, '\0');
    for (std::size_t node : order) write(node, graph);
    return ".DAFSA@PSL_0   \n" + graph + (utf8 ? std::string("\x01") : std::string());
  }

 private:
  struct Node {
    char label = 0;                        // its char (the root has none)
    std::map<char, std::size_t> children;  // by label char
    std::optional<unsigned> value;         // a word ends here
    std::size_t links = 0;                 // where its links start
    std::size_t value_pos = 0;             // of its value node
  };

  // A node is its label char (none for the root), its links, then the
  // value node if a word ends there; its children follow.
  void place(std::size_t node, std::vector<std::size_t>& order) {
    Node& n = nodes_[node];
    n.links = node == 0 ? 0 : size_ + 1;
    size_ = n.links + 3 * (n.children.size() + (n.value ? 1 : 0));
    if (n.value) n.value_pos = size_++;
    order.push_back(node);
    for (const auto& [c, child] : n.children) place(child, order);
  }

  void write(std::size_t node, std::string& g) const {
    const Node& n = nodes_[node];
    if (node != 0) g[n.links - 1] = static_cast<char>(static_cast<unsigned char>(n.label) | 0x80U);
    std::vector<std::size_t> targets;
    if (n.value) targets.push_back(n.value_pos);
    for (const auto& [c, child] : n.children) targets.push_back(nodes_[child].links - 1);
    std::size_t at = n.links;
    std::size_t base = at;  // the first link counts from itself, the others from the previous child
    for (std::size_t i = 0; i < targets.size(); ++i, at += 3) {
      std::size_t distance = targets[i] - base;
      g[at] = static_cast<char>(0x60U | (distance >> 16U) | (i + 1 == targets.size() ? 0x80U : 0));
      g[at + 1] = static_cast<char>((distance >> 8U) & 0xFFU);
      g[at + 2] = static_cast<char>(distance & 0xFFU);
      base = targets[i];
    }
    if (n.value) g[n.value_pos] = static_cast<char>(0x80U | *n.value);
  }

  std::vector<Node> nodes_{1};
  std::size_t size_ = 0;
};

const char* kSmallList =
    "// ===BEGIN ICANN DOMAINS===\n"
    "com\n"
    "uk\n"
    "co.uk\n"
    "*.ck\n"
    "!www.ck\n"
    "jp\n"
    "*.kawasaki.jp\n"
    "!city.kawasaki.jp\n"
    "中国\n"
    "// ===END ICANN DOMAINS===\n"
    "// ===BEGIN PRIVATE DOMAINS===\n"
    "github.io\n"
    "blogspot.co.uk\n";

// kSmallList as libpsl compiles it: values 1 exception, 2 wildcard, 4 ICANN,
// 8 private; in UTF-8 mode U-labels and A-labels, else A-labels only.
std::string small_dafsa(bool utf8) {
  DafsaWriter writer;
  for (const auto& rule : rules_of(kSmallList)) {
    std::string word = rule.text;
    unsigned value = rule.in_private ? 8 : 4;
    if (word.starts_with("!")) {
      word.erase(0, 1);
      value |= 1;
    } else if (word.starts_with("*.")) {
      word.erase(0, 2);
      value |= 2;
    }
    auto ascii = message::domain_to_ascii(word).value_or(word);
    writer.add(ascii, value);
    if (utf8 && ascii != word) writer.add(graph_form(word), value);
  }
  return writer.file(utf8);
}

struct Case {
  const char* domain;
  const char* registrable;  // nullptr: none
};

const Case kOwnCases[] = {
    {"example.com", "example.com"},
    {"a.b.example.com", "example.com"},
    {"Mail.Example.COM", "example.com"},
    {"example.com.", "example.com"},  // absolute name
    {"com", nullptr},
    {".example.com", nullptr},
    {"a..example.com", nullptr},
    {"", nullptr},
    {"example.co.uk", "example.co.uk"},
    {"www.example.co.uk", "example.co.uk"},
    {"co.uk", nullptr},
    {"x.ck", nullptr},  // wildcard: x.ck is a suffix
    {"y.x.ck", "y.x.ck"},
    {"www.ck", "www.ck"},  // exception
    {"a.www.ck", "www.ck"},
    {"city.kawasaki.jp", "city.kawasaki.jp"},
    {"a.b.kawasaki.jp", "a.b.kawasaki.jp"},
    {"example.unlisted", "example.unlisted"},  // the implicit "*" rule
    {"me.github.io", "me.github.io"},
    {"a.me.github.io", "me.github.io"},
    {"x.blogspot.co.uk", "x.blogspot.co.uk"},
    {"例子.中国", "例子.中国"},
    {"www.xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"},  // A-labels in, A-labels out
    {"xn--fiqs8s", nullptr},
};

void expect_own_table(const PublicSuffixList& list, const std::string& form) {
  for (const auto& c : kOwnCases) {
    auto got = list.registrable_domain(c.domain);
    if (c.registrable == nullptr) {
      EXPECT_FALSE(got) << form << ": " << c.domain << " -> " << got.value_or("");
    } else {
      EXPECT_EQ(got.value_or("(none)"), c.registrable) << form << ": " << c.domain;
    }
  }
}

void expect_private_rules_left_out(PublicSuffixList list, const std::string& form) {
  list.use_private_rules(false);
  EXPECT_EQ(list.registrable_domain("a.me.github.io").value_or(""), "github.io") << form;
  EXPECT_EQ(list.public_suffix("x.blogspot.co.uk").value_or(""), "co.uk") << form;
  list.use_private_rules(true);
  EXPECT_EQ(list.registrable_domain("a.me.github.io").value_or(""), "me.github.io") << form;
}

TEST(PublicSuffixList, OwnTable) {
  expect_own_table(PublicSuffixList::from_text(kSmallList), "text");
  for (bool utf8 : {true, false}) {
    auto path = write_temp(utf8 ? "utf8.dafsa" : "ascii.dafsa", small_dafsa(utf8));
    auto list = PublicSuffixList::load(path);
    ASSERT_TRUE(list) << list.error().message;
    expect_own_table(*list, utf8 ? "DAFSA, UTF-8 mode" : "DAFSA, ASCII mode");
    ::unlink(path.c_str());
  }
}

TEST(PublicSuffixList, PrivateRulesCanBeLeftOut) {
  expect_private_rules_left_out(PublicSuffixList::from_text(kSmallList), "text");
  auto path = write_temp("private.dafsa", small_dafsa(true));
  auto list = PublicSuffixList::load(path);
  ASSERT_TRUE(list) << list.error().message;
  expect_private_rules_left_out(*list, "DAFSA");
  ::unlink(path.c_str());
}

TEST(PublicSuffixList, EmptyListIsStarRule) {
  PublicSuffixList list;
  EXPECT_EQ(list.registrable_domain("a.b.example.org").value_or(""), "example.org");
  EXPECT_FALSE(list.registrable_domain("org"));
}

TEST(PublicSuffixList, MissingFileIsAConfigError) {
  auto list = PublicSuffixList::load("/nonexistent/psl.dat");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().kind, ErrorKind::config);
}

TEST(PublicSuffixList, UnreadableDafsaHeaderIsAConfigError) {
  const std::string graph = small_dafsa(true).substr(16);
  for (const std::string& bytes : {std::string(".DAFSA@PSL_1   \n") + graph,  // unknown version
                                   std::string(".DAFSA@PSL_0   \n"),          // no graph
                                   std::string(".DAFSA@PSL_0")}) {            // cut header
    auto path = write_temp("header.dafsa", bytes);
    auto list = PublicSuffixList::load(path);
    ASSERT_FALSE(list) << bytes;
    EXPECT_EQ(list.error().kind, ErrorKind::config);
    ::unlink(path.c_str());
  }
}

// Whatever the bytes, an answer is nullopt or the query's last labels.
void expect_safe_answers(const PublicSuffixList& list, const std::string& what) {
  for (std::string domain :
       {"a.b.example.co.uk", "x.y.www.ck", "www.ck", "a.kawasaki.jp", "me.github.io", "x.y.公司.cn",
        "www.xn--55qx5d.cn", "com", "a.b.c.d.e.f.g.h.i.j.k"}) {
    auto got = list.registrable_domain(domain);
    if (!got) continue;
    EXPECT_TRUE(domain == *got || domain.ends_with("." + *got))
        << what << ": " << domain << " -> " << *got;
  }
}

TEST(PublicSuffixList, CorruptDafsaNeverCrashes) {
  auto real = read_file(kDafsa);
  std::vector<std::pair<std::string, std::string>> sources = {{"small", small_dafsa(true)}};
  if (real) sources.emplace_back("debian", *real);
  std::mt19937 random(7);  // fixed: the same files every run
  auto path = write_temp("corrupt.dafsa", "");
  for (const auto& [name, good] : sources) {
    std::vector<std::pair<std::string, std::string>> bad;
    for (std::size_t cut = 17; cut < good.size(); cut += 1 + good.size() / 150) {
      bad.emplace_back("cut at " + std::to_string(cut), good.substr(0, cut));
    }
    for (int round = 0; round < 150; ++round) {
      std::string bytes = good;
      std::uniform_int_distribution<std::size_t> where(16, bytes.size() - 1);
      for (int flips = 1 + round % 8; flips > 0; --flips) {
        bytes[where(random)] ^= static_cast<char>(1U << (random() % 8));
      }
      bad.emplace_back("flip round " + std::to_string(round), bytes);
    }
    for (const auto& [what, bytes] : bad) {
      std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
      auto list = PublicSuffixList::load(path);
      if (!list) continue;  // an error value is a fine answer too
      expect_safe_answers(*list, std::string(name).append(", ").append(what));
    }
  }
  ::unlink(path.c_str());
}

TEST(PublicSuffixList, SharedListFallsBackToTheTextBesideAMissingDafsa) {
  auto text = write_temp("beside.dat", kSmallList);
  std::string dafsa = text.substr(0, text.size() - 4) + ".dafsa";  // absent
  auto list = shared_public_suffix_list(dafsa);
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ((*list)->registrable_domain("a.me.github.io").value_or(""), "me.github.io");
  auto again = shared_public_suffix_list(dafsa);
  ASSERT_TRUE(again);
  EXPECT_EQ(list->get(), again->get());  // loaded once per process
  EXPECT_FALSE(shared_public_suffix_list("/nonexistent/psl.dafsa"));
  ::unlink(text.c_str());
}

}  // namespace
}  // namespace mailroom::auth
