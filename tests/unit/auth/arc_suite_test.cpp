// The ARC validation suite (arc-draft-validation-tests.yml, ValiMail, MIT
// licence) in tests/data/arc: every expected cv must come out. An empty
// expected cv means "fail" (RFC 8617 §5.2).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "dkim_test_util.hpp"
#include "mailroom/auth/arc.hpp"
#include "unit/skip_or_fail.hpp"

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
  MAILROOM_SKIP_OR_FAIL() << "yaml-cpp is not installed (scripts/deps/test-dkim.txt)";
#else
  const std::string path = MAILROOM_ARC_SUITE;
  if (!std::filesystem::exists(path)) MAILROOM_SKIP_OR_FAIL() << path << " is absent";
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
      EXPECT_EQ(std::string(to_string(result.status)),
                expected_cv(t.second["cv"].as<std::string>()))
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

#ifdef MAILROOM_HAVE_YAML_CPP
// One named test of the suite, validated with the keys of its document.
ArcResult validate_named(const std::string& wanted) {
  for (const auto& doc : YAML::LoadAllFromFile(MAILROOM_ARC_SUITE)) {
    for (const auto& t : doc["tests"]) {
      if (t.first.as<std::string>() != wanted) continue;
      test::MapKeys keys;
      for (const auto& rec : doc["txt-records"]) {
        keys.records[rec.first.as<std::string>()] = {rec.second.as<std::string>()};
      }
      DkimVerifier verifier(keys.fetcher());
      auto msg = test::parse_message(t.second["message"].as<std::string>());
      return validate_arc(verifier, msg);
    }
  }
  ADD_FAILURE() << wanted << " not found";
  return {};
}
#endif

TEST(ArcResultDetails, OldestPassAndSealers) {
#ifndef MAILROOM_HAVE_YAML_CPP
  MAILROOM_SKIP_OR_FAIL() << "yaml-cpp is not installed";
#else
  if (!std::filesystem::exists(MAILROOM_ARC_SUITE)) MAILROOM_SKIP_OR_FAIL() << "ARC suite absent";
  auto three = validate_named("cv_pass_i3_1");
  EXPECT_EQ(three.status, ArcChainStatus::pass) << three.reason;
  EXPECT_EQ(three.instances, 3U);
  EXPECT_EQ(three.oldest_pass, 0U);
  ASSERT_EQ(three.sealers.size(), 3U);
  EXPECT_EQ(three.sealers[0].cv, ArcChainStatus::none);
  EXPECT_EQ(three.sealers[2].cv, ArcChainStatus::pass);
  EXPECT_EQ(three.sealers[2].instance, 3U);
  EXPECT_EQ(three.sealers[1].domain, "example.org");
  EXPECT_EQ(three.sealers[1].selector, "dummy");
  EXPECT_EQ(three.sealers[0].authserv_id, "lists.example.org");
  EXPECT_EQ(three.sealers[0].authentication_results.substr(0, 41),
            "lists.example.org; spf=pass smtp.mfrom=jq");
  EXPECT_TRUE(three.sealed_by("EXAMPLE.org"));
  EXPECT_FALSE(three.sealed_by("example.com"));

  // The From field changed after hop 1: AMS(1) breaks, the chain still passes.
  auto broken_first = validate_named("cv_pass_i2_1_ams1_invalid");
  EXPECT_EQ(broken_first.status, ArcChainStatus::pass) << broken_first.reason;
  EXPECT_EQ(broken_first.oldest_pass, 2U);

  auto failed = validate_named("cv_fail_i2_as1_invalid");
  EXPECT_EQ(failed.status, ArcChainStatus::fail);
  EXPECT_FALSE(failed.sealed_by("example.org"));
  EXPECT_FALSE(failed.reason.empty());

  auto none = validate_named("cv_base1");
  EXPECT_EQ(none.status, ArcChainStatus::none);
  EXPECT_TRUE(none.sealers.empty());
#endif
}

}  // namespace
}  // namespace mailroom::auth
