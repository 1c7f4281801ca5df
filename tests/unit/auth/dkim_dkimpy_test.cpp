// Every verdict must match dkimpy's (Debian python3-dkim), the oracle, on
// messages it signed in every canonicalisation, with and without l=, with
// RSA and Ed25519 and several signatures, then changed in transit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "dkim_test_util.hpp"
#include "mailroom/auth/dkim_verify.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::auth {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

TEST(DkimAgainstDkimpy, EveryVerdictMatches) {
  if (!fs::exists("/usr/bin/python3")) MAILROOM_SKIP_OR_FAIL() << "/usr/bin/python3 is absent";
  fs::path dir = fs::temp_directory_path() / ("mailroom-dkim-vectors-" + std::to_string(getpid()));
  std::string cmd = "/usr/bin/python3 " MAILROOM_DKIM_VECTOR_SCRIPT " " + dir.string();
  int rc = std::system(cmd.c_str());
  if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
    MAILROOM_SKIP_OR_FAIL() << "dkimpy (Debian python3-dkim) is not installed: scripts/setup test";
  }
  ASSERT_EQ(rc, 0) << cmd;

  test::MapKeys keys;
  for (const auto& line : split(test::read_file(dir / "keys.txt"), '\n')) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) keys.records[line.substr(0, tab)] = {line.substr(tab + 1)};
  }
  DkimVerifier verifier(keys.fetcher());
  int cases = 0;
  int passes = 0;
  int fails = 0;
  for (const auto& line : split(test::read_file(dir / "manifest.txt"), '\n')) {
    auto fields = split(line, '\t');
    if (fields.size() != 2) continue;
    SCOPED_TRACE(fields[0]);
    auto expected = split(fields[1], ',');
    auto msg = test::parse_message(test::read_file(dir / (fields[0] + ".eml")));
    auto results = verifier.verify(msg);
    ASSERT_EQ(results.size(), expected.size());
    for (std::size_t i = 0; i < results.size(); ++i) {
      bool pass = results[i].status == DkimStatus::pass;
      EXPECT_EQ(pass ? "pass" : "fail", expected[i])
          << "signature " << i << ": " << to_string(results[i].status) << " (" << results[i].reason
          << ")";
      (pass ? passes : fails)++;
    }
    ++cases;
  }
  fs::remove_all(dir);
  // The vectors must exercise both outcomes, or the comparison proves nothing.
  EXPECT_GE(cases, 150);
  EXPECT_GE(passes, 50);
  EXPECT_GE(fails, 50);
}

}  // namespace
}  // namespace mailroom::auth
