// The hand-made hostile corpus: tests/data/message/NAME.eml, each with the
// outcome it must have in NAME.expect (keys documented in make-corpus.py).
// Adding a case is adding two files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/message/address.hpp"
#include "mailroom/message/date_time.hpp"
#include "mailroom/message/message.hpp"
#include "unit/message/message_shape.hpp"

namespace mailroom::message {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string unescape(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char c = v[++i];
      out.push_back(c == 'r' ? '\r' : c == 't' ? '\t' : c);
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

std::multimap<std::string, std::string> read_expect(const fs::path& p) {
  std::multimap<std::string, std::string> out;
  std::istringstream in(read_file(p));
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.emplace(line.substr(0, colon), unescape(value));
  }
  return out;
}

std::set<std::string> split_set(const std::string& s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.insert(item);
  }
  return out;
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(MAILROOM_TEST_DATA) / "message")) {
    if (e.path().extension() == ".expect") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Parse defects plus those found decoding the Subject and the text parts.
Defects all_defects(const Message& m) {
  Defects d = m.defects();
  (void)m.subject(&d);
  (void)m.body_text(&d);
  return d;
}

void check(const Message& m, const std::string& key, const std::string& want) {
  if (key == "shape") {
    EXPECT_EQ(testing::shape(m), want);
  } else if (key == "defects") {
    EXPECT_EQ(split_set(testing::defect_names(all_defects(m))), split_set(want));
  } else if (key == "headers") {
    EXPECT_EQ(std::to_string(m.headers().size()), want);
  } else if (key == "separator") {
    EXPECT_EQ(m.has_separator() ? "yes" : "no", want);
  } else if (key == "subject") {
    EXPECT_EQ(m.subject(), want);
  } else if (key == "from" || key == "from-name") {
    const HeaderField* f = m.find("From");
    if (f == nullptr) {
      EXPECT_EQ("-", want);
      return;
    }
    const auto a = parse_mailbox(f->value);
    const std::string got = !a ? "" : key == "from" ? a->addr_spec() : a->display_name;
    EXPECT_EQ(got, want);
  } else if (key == "text") {
    EXPECT_NE(m.body_text().find(want), std::string::npos) << m.body_text();
  } else if (key == "no-text") {
    EXPECT_EQ(m.body_text().find(want), std::string::npos) << m.body_text();
  } else if (key == "parts") {
    EXPECT_EQ(std::to_string(m.parts().size()), want);
  } else if (key == "date") {
    const HeaderField* f = m.find("Date");
    ASSERT_NE(f, nullptr);
    const auto dt = parse_date_time(f->value);
    EXPECT_EQ(dt ? std::to_string(dt->unix_time()) : "none", want);
  } else if (key == "filename") {
    const auto eq = want.find('=');
    const std::size_t index = std::stoul(want.substr(0, eq));
    ASSERT_LT(index, m.parts().size());
    EXPECT_EQ(m.parts()[index].filename(), want.substr(eq + 1));
  } else if (key == "body-size") {
    EXPECT_EQ(std::to_string(m.body().size()), want);
  } else {
    ADD_FAILURE() << "unknown key " << key;
  }
}

TEST(HostileCorpus, AtLeastSixtyCases) { EXPECT_GE(cases().size(), 60U); }

TEST(HostileCorpus, EachMessageHasItsExpectedOutcome) {
  for (const fs::path& expect : cases()) {
    SCOPED_TRACE(expect.filename().string());
    fs::path eml = expect;
    eml.replace_extension(".eml");
    const std::string input = read_file(eml);
    const Message m = testing::parse_string(input);
    EXPECT_EQ(m.raw(), input);
    for (const auto& [key, want] : read_expect(expect)) {
      SCOPED_TRACE(key);
      check(m, key, want);
    }
  }
}

// Every prefix of every small case parses (the input cut at each byte,
// as a truncated delivery would leave it), with every view in the buffer.
TEST(HostileCorpus, EveryPrefixOfSmallCasesParses) {
  std::size_t runs = 0;
  for (const fs::path& expect : cases()) {
    fs::path eml = expect;
    eml.replace_extension(".eml");
    const std::string input = read_file(eml);
    if (input.size() > 2048) continue;
    for (std::size_t n = 0; n <= input.size(); ++n) {
      const Message m = testing::parse_string(input.substr(0, n));
      const char* begin = m.raw().data();
      const char* end = begin + m.raw().size();
      for (const Part& p : m.parts()) {
        ASSERT_TRUE(p.raw.empty() || (p.raw.data() >= begin && p.raw.data() + p.raw.size() <= end));
        ASSERT_TRUE(p.body.empty() ||
                    (p.body.data() >= begin && p.body.data() + p.body.size() <= end));
      }
      (void)m.body_text();
      ++runs;
    }
  }
  EXPECT_GT(runs, 5000U);
}

// Every case also parses correctly from a file mapping (Buffer::map_file).
TEST(HostileCorpus, MappedFilesParseTheSame) {
  for (const fs::path& expect : cases()) {
    fs::path eml = expect;
    eml.replace_extension(".eml");
    std::FILE* f = std::fopen(eml.c_str(), "rb");
    ASSERT_NE(f, nullptr);
    auto buffer = Buffer::map_file(::fileno(f));
    std::fclose(f);
    ASSERT_TRUE(buffer.has_value());
    const Message mapped = Message::parse(std::make_shared<const Buffer>(std::move(*buffer)));
    const Message owned = testing::parse_string(read_file(eml));
    EXPECT_EQ(testing::shape(mapped), testing::shape(owned)) << eml;
    EXPECT_EQ(mapped.defects(), owned.defects()) << eml;
  }
}

}  // namespace
}  // namespace mailroom::message
