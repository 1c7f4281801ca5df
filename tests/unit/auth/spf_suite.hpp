// The RFC 7208 test suite (openspf.org, release 2014.04; tests/data/spf/)
// loaded for in-process runs: each section's zonedata becomes a
// StaticResolver. Used by spf_rfc7208_suite_test.cpp and bench/auth_spf.cpp.
//
// Zone data follows the suite's own driver conventions: an SPF-type record
// also serves as a TXT record unless the name lists TXT records itself
// ("TXT: NONE" meaning none); TIMEOUT makes every query that has no answer
// listed before it time out.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/dns/static_resolver.hpp"

namespace mailroom::auth::test {

struct SuiteCase {
  std::string section;
  std::string name;
  std::string helo;
  std::string host;
  std::string mail_from;
  std::vector<std::string> results;
  std::optional<std::string> explanation;
  std::shared_ptr<dns::StaticResolver> zone;
};

// Every case of the suite at `path`; empty if the file is absent. Throws
// YAML::Exception on a malformed file (test code only).
std::vector<SuiteCase> load_spf_suite(const std::string& path);

}  // namespace mailroom::auth::test
