// The Public Suffix List lookup (issue 11): the own DAFSA reader
// (src/auth/psl.cpp, psl_dafsa.cpp) beside libpsl on the same compiled
// list, Debian's public_suffix_list.dafsa, once it is loaded. What a fresh
// process pays to load the list and ask once is bench_psl_first_use.
#include <benchmark/benchmark.h>
#include <libpsl.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "mailroom/auth/psl.hpp"
#include "psl_domains.hpp"

namespace {

using mailroom::bench::kPslDomains;
using mailroom::bench::kPslPath;

const mailroom::auth::PublicSuffixList& own_list() {
  static const auto list = [] {
    auto loaded = mailroom::auth::PublicSuffixList::load(std::string(kPslPath));
    if (!loaded) std::abort();
    return std::move(*loaded);
  }();
  return list;
}

psl_ctx_t* libpsl_list() {
  static psl_ctx_t* const list = psl_load_file(std::string(kPslPath).c_str());
  if (list == nullptr) std::abort();
  return list;
}

// Both must give the same answers, or the comparison means nothing.
void check_agree() {
  for (const std::string_view d : kPslDomains) {
    const std::string domain(d);
    const auto own = own_list().registrable_domain(domain);
    const char* lib = psl_registrable_domain(libpsl_list(), domain.c_str());
    if (own.value_or("") != std::string(lib != nullptr ? lib : "")) {
      std::fprintf(stderr, "disagree on %s: own %s, libpsl %s\n", domain.c_str(),
                   own.value_or("(none)").c_str(), lib != nullptr ? lib : "(none)");
      std::abort();
    }
  }
}

void BM_OwnRegistrableDomain(benchmark::State& state) {
  check_agree();
  const auto& list = own_list();
  for (auto _ : state) {
    for (const std::string_view d : kPslDomains)
      benchmark::DoNotOptimize(list.registrable_domain(d));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kPslDomains.size()));
}
BENCHMARK(BM_OwnRegistrableDomain);

void BM_LibpslRegistrableDomain(benchmark::State& state) {
  check_agree();
  psl_ctx_t* list = libpsl_list();
  std::array<std::string, kPslDomains.size()> domains;
  for (std::size_t i = 0; i < domains.size(); ++i) domains[i] = kPslDomains[i];
  for (auto _ : state) {
    // libpsl wants a NUL-terminated, lower-case name; the own reader takes
    // any case, so lower-casing is its share of the work too.
    for (const std::string& d : domains) {
      char* lower = nullptr;
      if (psl_str_to_utf8lower(d.c_str(), nullptr, nullptr, &lower) == PSL_SUCCESS) {
        benchmark::DoNotOptimize(psl_registrable_domain(list, lower));
      }
      psl_free_string(lower);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kPslDomains.size()));
}
BENCHMARK(BM_LibpslRegistrableDomain);

void BM_LibpslRegistrableDomainLowerCase(benchmark::State& state) {
  psl_ctx_t* list = libpsl_list();
  std::array<std::string, kPslDomains.size()> domains;
  for (std::size_t i = 0; i < domains.size(); ++i) domains[i] = kPslDomains[i];
  for (auto _ : state) {
    for (const std::string& d : domains) {
      benchmark::DoNotOptimize(psl_registrable_domain(list, d.c_str()));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kPslDomains.size()));
}
BENCHMARK(BM_LibpslRegistrableDomainLowerCase);

}  // namespace
