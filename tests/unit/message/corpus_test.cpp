// The SpamAssassin public corpus (6,046 real messages, fetched by
// scripts/fetch-corpus, never committed): zero crashes; every message
// yields a From, a Subject and decoded text; the raw buffer round-trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/message/address.hpp"
#include "mailroom/message/charset.hpp"
#include "mailroom/message/date_time.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/text.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::message {
namespace {

namespace fs = std::filesystem;

fs::path corpus_dir() {
  const char* env = std::getenv("MAILROOM_CORPUS_DIR");
  return env != nullptr ? fs::path(env) : fs::path("/var/cache/mailroom-test/spam-assassin");
}

std::vector<fs::path> corpus_files() {
  std::vector<fs::path> files;
  const fs::path data = corpus_dir() / "data";
  std::error_code ec;
  if (!fs::is_directory(data, ec)) return files;
  for (const auto& e : fs::recursive_directory_iterator(data, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Independent check: does the header (up to the first empty line) have a
// line starting with "name:"? A message without one cannot yield it.
bool header_has_line(std::string_view raw, std::string_view name) {
  std::size_t pos = 0;
  while (pos < raw.size()) {
    auto nl = raw.find('\n', pos);
    if (nl == std::string_view::npos) nl = raw.size();
    std::string_view line = raw.substr(pos, nl - pos);
    if (line.empty() || line == "\r") return false;
    if (line.size() > name.size() && line[name.size()] == ':' &&
        mailroom::iequals(line.substr(0, name.size()), name))
      return true;
    pos = nl + 1;
  }
  return false;
}

// The delivery code strips the mbox "From " line before building the
// Buffer (foundation issue); the corpus files carry one, so do the same.
std::string strip_from_line(std::string s) {
  if (s.rfind("From ", 0) == 0) {
    const auto nl = s.find('\n');
    s.erase(0, nl == std::string::npos ? s.size() : nl + 1);
  }
  return s;
}

TEST(SpamAssassinCorpus, EveryMessageParses) {
  const auto files = corpus_files();
  if (files.empty()) {
    MAILROOM_SKIP_OR_FAIL() << "SpamAssassin corpus not found in " << corpus_dir()
                            << " (run scripts/fetch-corpus, or set MAILROOM_CORPUS_DIR)";
  }
  EXPECT_EQ(files.size(), 6046U);
  std::size_t bytes = 0;
  std::size_t parts = 0;
  std::size_t dated = 0;
  std::size_t no_from = 0;
  std::size_t no_subject = 0;
  std::size_t null_sender = 0;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    const std::string input = strip_from_line(read_file(path));
    bytes += input.size();
    const Message m = Message::parse(std::make_shared<const Buffer>(Buffer::from_string(input)));
    ASSERT_EQ(m.raw(), input);  // byte-identical round trip
    parts += m.parts().size();

    const HeaderField* from = m.find("From");
    ASSERT_EQ(from != nullptr, header_has_line(input, "From"));
    if (from != nullptr) {
      const auto sender = parse_mailbox(from->value);
      // Only an empty field may yield no mailbox at all.
      ASSERT_EQ(sender.has_value(), !unfold(from->value).empty()) << std::string(from->value);
      if (!sender || sender->addr_spec().empty()) ++null_sender;
    } else {
      ++no_from;
    }
    ASSERT_EQ(m.find("Subject") != nullptr, header_has_line(input, "Subject"));
    if (m.find("Subject") == nullptr) ++no_subject;
    EXPECT_TRUE(is_valid_utf8(m.subject()));

    const auto text_parts = m.text_parts();
    EXPECT_FALSE(text_parts.empty()) << "no text part";
    const std::string text = m.body_text();
    EXPECT_TRUE(is_valid_utf8(text));
    if (const HeaderField* date = m.find("Date"); date && parse_date_time(date->value)) ++dated;
  }
  std::cout << "[ corpus   ] " << files.size() << " messages, " << bytes / 1024 << " KiB, " << parts
            << " MIME parts, " << dated << " with a parsable Date; " << no_from << " without From, "
            << null_sender << " with an empty From or From: <>, " << no_subject
            << " without Subject (none in the raw header either)\n";
  EXPECT_EQ(no_from, 0U);
  EXPECT_LE(null_sender, 5U);
  EXPECT_LE(no_subject, 10U);
}

}  // namespace
}  // namespace mailroom::message
