// SPF evaluations per second (Google Benchmark) on the zones of the RFC 7208
// test suite (tests/data/spf/), answered from memory (StaticResolver, as
// a warm DNS cache would): every one of its 203 cases in turn, so the mix
// has includes, redirects, macros, PTR validation, limits and errors.
//   bench_auth_spf --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

#include "mailroom/auth/spf.hpp"
#include "mailroom/auth/spf_record.hpp"
#include "unit/auth/spf_suite.hpp"

namespace mailroom::auth {
namespace {

struct Prepared {
  dns::IpAddress ip;
  const test::SuiteCase* c = nullptr;
};

const std::vector<test::SuiteCase>& suite() {
  static const std::vector<test::SuiteCase> cases = test::load_spf_suite(MAILROOM_SPF_SUITE);
  return cases;
}

std::vector<Prepared> prepared(bool only_pass) {
  std::vector<Prepared> out;
  for (const auto& c : suite()) {
    auto ip = dns::IpAddress::parse(c.host);
    if (!ip || (only_pass && c.results.front() != "pass")) continue;
    out.push_back({*ip, &c});
  }
  return out;
}

void run(benchmark::State& state, bool only_pass) {
  const auto cases = prepared(only_pass);
  if (cases.empty()) {
    state.SkipWithError("RFC 7208 suite not found at " MAILROOM_SPF_SUITE);
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const Prepared& p = cases[i++ % cases.size()];
    SpfResult r = check_mail_from(p.ip, p.c->mail_from, p.c->helo, *p.c->zone);
    benchmark::DoNotOptimize(r);
  }
  state.counters["evaluations/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// All 203 cases, errors and explanations included.
void BM_SpfSuiteAllCases(benchmark::State& state) { run(state, false); }
BENCHMARK(BM_SpfSuiteAllCases);

// Only the cases whose expected result is pass: the common path for real mail.
void BM_SpfSuitePassCases(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_SpfSuitePassCases);

// Parsing alone, on a realistic record.
void BM_SpfParseRecord(benchmark::State& state) {
  const std::string record =
      "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip6:2001:db8::/32 a mx "
      "include:_spf.example.net include:%{d2}.spf.example.org exists:%{ir}.%{v}._spf.%{d} "
      "exp=explain._spf.%{d} -all";
  for (auto _ : state) benchmark::DoNotOptimize(parse_spf_record(record));
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SpfParseRecord);

}  // namespace
}  // namespace mailroom::auth

BENCHMARK_MAIN();
