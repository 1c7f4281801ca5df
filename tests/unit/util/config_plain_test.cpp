// The plain-TOML reader against toml++ itself: what it reads must be
// exactly toml++'s table, and whatever it is not sure of it must leave to
// toml++ (nullopt), invalid TOML above all.
#include "util/config_plain.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace mailroom {
namespace {

// The table toml++ reads, or nullopt when toml++ refuses the text.
std::optional<toml::table> by_tomlpp(const std::string& text) {
  auto parsed = toml::parse(text);
  if (!parsed) return std::nullopt;
  return std::move(parsed).table();
}

const std::vector<std::string> kPlain = {
    "",
    "\n\n# only a comment\n",
    "[users]\nmaildir = \"/var/tmp/x/Maildir\"\n[maildir]\nfsync = true\n",
    "[auth]\r\ndns_server = \"127.0.0.1:9\"\r\n",  // CRLF
    "  [sieve]  # trailing comment\n\tscript = \"~/.dovecot.sieve\" # why\n"
    "after = [\"/a.sieve\", \"/b.sieve\",]\nbefore = []\nlog = \"\"\n",
    "[deliver]\nmax_message_size = 104857600\ndeadline = \"90s\"\nloop_check = false\n"
    "retry_window = 0\n",
    "[spam]\nrequired_score = 5.0\n[x]\ny = 0.1\nz = 12345.678901\n",
    "[a-b_C9]\nk-1_x = \"tab\there\"\n",
    "[lmtp]\nlisteners = [ \"unix:/run/x\" ,\"lmtp://127.0.0.1:24\" ]",  // no final newline
};

TEST(ConfigPlain, ReadsExactlyWhatTomlppReads) {
  for (const auto& text : kPlain) {
    auto plain = config_plain::parse(text);
    ASSERT_TRUE(plain) << text;
    auto reference = by_tomlpp(text);
    ASSERT_TRUE(reference) << text;
    EXPECT_EQ(*plain, *reference) << text;
  }
}

TEST(ConfigPlain, LeavesEverythingElseToTomlpp) {
  const std::vector<std::string> others = {
      "key = 1\n",                       // before any section
      "[a]\n[a]\n",                      // table defined twice
      "[a]\nk = 1\nk = 2\n",             // key defined twice
      "[a]\nk = 007\n",                  // leading zeros
      "[a]\nk = 1_000\n",                // underscores
      "[a]\nk = +1\n",                   // sign
      "[a]\nk = -1\n",                   // sign
      "[a]\nk = 1e5\n",                  // exponent
      "[a]\nk = 1.\n",                   // no fraction digits
      "[a]\nk = 1234567890123456789\n",  // 19 digits
      "[a]\nk = 0.1234567890123456\n",   // 16 digits
      "[a]\nk = \"a\\tb\"\n",            // escape
      "[a]\nk = \"\"\"x\"\"\"\n",        // multi-line string
      "[a]\nk = 'literal'\n",            // literal string
      "[a]\nk = \"open\n",               // unterminated
      "[a]\nk = \"caf\xc3\xa9\"\n",      // non-ASCII
      "[a]\n# caf\xc3\xa9\n",            // non-ASCII comment
      "[a]\nk = \"x\x01y\"\n",           // control character
      "[a]\nk = \"x\"\ry = 1\n",         // lone CR
      "[a]\nk = true x\n",               // junk after the value
      "[a]\nk = truex\n",                // not a boolean
      "[a]\nk = \"x\" \"y\"\n",          // two values
      "[a]\nk =\n",                      // no value
      "[a]\nk\n",                        // no =
      "[a]\n\"quoted\" = 1\n",           // quoted key
      "[a]\nb.c = 1\n",                  // dotted key
      "[a.b]\n",                         // dotted table
      "[ a ]\n",                         // blanks in the header
      "[[a]]\n",                         // array of tables
      "[a]\nk = [\"x\",\n\"y\"]\n",      // array over two lines
      "[a]\nk = [1, 2]\n",               // array of numbers
      "[a]\nk = [\"x\" \"y\"]\n",        // no comma
      "[a]\nk = {x = 1}\n",              // inline table
      "[a]\nk = 1979-05-27\n",           // date
      "[a\n",                            // unterminated header
  };
  for (const auto& text : others) EXPECT_FALSE(config_plain::parse(text)) << text;
}

// Every text one byte away from a plain one (each byte dropped, each byte
// replaced by each of a set of telling bytes): read exactly as toml++
// reads it, or left to toml++, never read differently.
TEST(ConfigPlain, NoNeighbourReadDifferently) {
  const std::string bytes = std::string("\"[]=#,.\\'\n\r\t x01-_") + std::string(1, '\0');
  std::size_t read = 0;
  for (const auto& text : kPlain) {
    std::vector<std::string> neighbours;
    for (std::size_t i = 0; i < text.size(); ++i) {
      neighbours.push_back(text.substr(0, i) + text.substr(i + 1));
      for (char b : bytes) neighbours.push_back(text.substr(0, i) + b + text.substr(i + 1));
    }
    for (const auto& n : neighbours) {
      auto plain = config_plain::parse(n);
      if (!plain) continue;
      ++read;
      auto reference = by_tomlpp(n);
      ASSERT_TRUE(reference) << "toml++ refuses what was read: " << n;
      EXPECT_EQ(*plain, *reference) << n;
    }
  }
  EXPECT_GT(read, 100U);  // the neighbours did exercise the reader
}

// parse_each hands over sections and keys in file order, as toml++ reads
// their values, and stops at the first one its sink refuses.
class Recorder final : public config_plain::Sink {
 public:
  bool section(std::string_view name) override {
    calls.push_back("[" + std::string(name) + "]");
    return true;
  }
  bool value(std::string_view key, const toml::node& value) override {
    std::ostringstream text;
    value.visit([&](const auto& v) { text << v; });
    calls.push_back(std::string(key) + "=" + text.str());
    return key != refuse;
  }
  std::vector<std::string> calls;
  std::string refuse;
};

TEST(ConfigPlain, EachKeyInFileOrder) {
  Recorder sink;
  ASSERT_TRUE(config_plain::parse_each(
      "[b]\nz = \"x\"\ny = [\"p\", \"q\"]\n[a]\nn = 12\nf = 0.5\nt = true\n[empty]\n", sink));
  EXPECT_EQ(sink.calls, (std::vector<std::string>{"[b]", "z='x'", "y=[ 'p', 'q' ]", "[a]", "n=12",
                                                  "f=0.5", "t=true", "[empty]"}));
  Recorder refusing;
  refusing.refuse = "y";
  EXPECT_FALSE(config_plain::parse_each("[b]\nz = 1\ny = 2\nw = 3\n", refusing));
  EXPECT_EQ(refusing.calls, (std::vector<std::string>{"[b]", "z=1", "y=2"}));
  // Twice the same key or section: left to toml++ (its error), as parse().
  Recorder twice;
  EXPECT_FALSE(config_plain::parse_each("[b]\nz = 1\nz = 2\n", twice));
  EXPECT_FALSE(config_plain::parse_each("[b]\n[c]\n[b]\n", twice));
}

}  // namespace
}  // namespace mailroom
