// The RFC 7208 test suite (openspf.org, release 2014.04; tests/data/spf/)
// run in-process: each section's zonedata is loaded into a StaticResolver
// and every case is checked by one test, which names each failing case.
//
// Zone data follows the suite's own driver conventions: an SPF-type record
// also serves as a TXT record unless the name lists TXT records itself
// ("TXT: NONE" meaning none); TIMEOUT makes every query that has no answer
// listed before it time out. A case passes when our result is one of the
// listed results; an "explanation" must match our exp= text, "DEFAULT"
// meaning that no exp= text applies.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mailroom/auth/spf.hpp"
#include "mailroom/util/text.hpp"
#include "unit/auth/spf_suite.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::auth {
namespace {

using test::SuiteCase;

// Cases whose expected text differs from ours in a way the RFC allows.
// Each entry says why; nothing else may deviate.
const std::map<std::string, std::string>& exceptions() {
  static const std::map<std::string, std::string> list = {
      {"v-macro-ip6",
       "Explanation compared without regard to case. The suite expects the IPv6 "
       "nibbles of %{i} in upper case; RFC 7208 §7.3 defines them as the 'dot-format' "
       "nibbles and its §7.4 example writes them in lower case "
       "(\"1.0.b.c.0.0.0.0...8.b.d.0.1.0.0.2.ip6._spf.example.com\"), which we follow."},
  };
  return list;
}

std::string suite_path() { return MAILROOM_SPF_SUITE; }

std::vector<SuiteCase> load_suite() {
  try {
    return test::load_spf_suite(suite_path());
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << "cannot read " << suite_path() << ": " << e.what();
    return {};
  }
}

const std::vector<SuiteCase>& suite() {
  static const std::vector<SuiteCase> cases = load_suite();
  return cases;
}

// Why the suite's result for one case must be accepted: "" if it passes.
std::string check_case(const SuiteCase& c) {
  auto ip = dns::IpAddress::parse(c.host);
  if (!ip) return "bad host " + c.host;
  const SpfResult r = check_mail_from(*ip, c.mail_from, c.helo, *c.zone);
  const std::string got(to_string(r.code));
  if (std::find(c.results.begin(), c.results.end(), got) == c.results.end()) {
    return "got " + got + " (" + r.why + "), expected " + ::testing::PrintToString(c.results);
  }
  if (!c.explanation || r.code != SpfCode::fail) return {};
  if (*c.explanation == "DEFAULT") {
    return r.explanation.empty() ? "" : "expected no exp= text, got \"" + r.explanation + "\"";
  }
  const bool same = exceptions().contains(c.name) ? mailroom::iequals(r.explanation, *c.explanation)
                                                  : r.explanation == *c.explanation;
  return same ? "" : "explanation \"" + r.explanation + "\", expected \"" + *c.explanation + "\"";
}

// All cases in one test: one process reads the YAML once, so the default
// test run stays fast; each failing case is reported by section and name.
TEST(Rfc7208Suite, EveryCase) {
  if (suite().empty()) MAILROOM_SKIP_OR_FAIL() << "RFC 7208 suite not found at " << suite_path();
  int passed = 0;
  for (const SuiteCase& c : suite()) {
    const std::string problem = check_case(c);
    if (problem.empty()) {
      ++passed;
    } else {
      ADD_FAILURE() << c.section << " / " << c.name << ": " << problem;
    }
  }
  std::printf("RFC 7208 suite: %d of %zu cases pass (%zu listed exceptions)\n", passed,
              suite().size(), exceptions().size());
}

TEST(Rfc7208SuiteFile, HasEveryCase) {
  if (suite().empty()) MAILROOM_SKIP_OR_FAIL() << "RFC 7208 suite not found at " << suite_path();
  EXPECT_EQ(suite().size(), 203U);
}

}  // namespace
}  // namespace mailroom::auth
