// The ARC validation suite (arc-draft-validation-tests.yml, ValiMail, MIT
// licence) in ../shared/data/arc: every expected cv must come out. An empty
// expected cv means "fail" (RFC 8617 §5.2).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "dkim_test_util.hpp"
#include "mailroom/auth/arc.hpp"

#ifdef MAILROOM_HAVE_YAML_CPP
#include <yaml-cpp/yaml.h>
#endif

namespace mailroom::auth {
namespace {

std::string expected_cv(std::string cv) {
  while (!cv.empty() && std::isspace(static_cast<unsigned char>(cv.back()))) cv.pop_back();
  while (!cv.empty() && std::isspace(static_cast<unsigned char>(cv.front()))) cv.erase(0, 1);
  for (auto& c : cv) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return cv.empty() ? "fail" : cv;
}

TEST(ArcValidationSuite, EveryTestGivesTheExpectedChainStatus) {
#ifndef MAILROOM_HAVE_YAML_CPP
  GTEST_SKIP() << "yaml-cpp is not installed (scripts/deps/test-dkim.txt)";
#else
  const std::string path = MAILROOM_ARC_SUITE;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto docs = YAML::LoadAllFromFile(path);
  int run = 0;
  std::set<std::string> names;
  for (const auto& doc : docs) {
    test::MapKeys keys;
    for (const auto& rec : doc["txt-records"]) {
      keys.records[rec.first.as<std::string>()] = {rec.second.as<std::string>()};
    }
    DkimVerifier verifier(keys.fetcher());
    for (const auto& t : doc["tests"]) {
      const auto name = t.first.as<std::string>();
      SCOPED_TRACE(name);
      auto msg = test::parse_message(t.second["message"].as<std::string>());
      auto result = validate_arc(verifier, msg);
      EXPECT_EQ(std::string(to_string(result.status)), expected_cv(t.second["cv"].as<std::string>()))
          << t.second["description"].as<std::string>("") << ": " << result.reason;
      ++run;
      names.insert(name);
    }
  }
  // The file repeats four test names (YAML keeps both entries): 175 runs, 171 tests.
  EXPECT_EQ(run, 175);
  EXPECT_EQ(names.size(), 171U);
#endif
}

}  // namespace
}  // namespace mailroom::auth
