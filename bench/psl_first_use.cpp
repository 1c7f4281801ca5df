// What a fresh process pays for its first Public Suffix List answer, list
// loading included (issue 11): `deliver` runs once per message, so this,
// not bench_psl's loop, is what a delivery pays. Linked like `mailroom`
// (static, non-PIE):
//
//   perf stat -r 200 -e task-clock,page-faults bench_psl_first_use none
//   perf stat -r 200 -e task-clock,page-faults bench_psl_first_use own
//   perf stat -r 200 -e task-clock,page-faults bench_psl_first_use libpsl
//
// own: PublicSuffixList::load + registrable_domain (as auth/authenticate.cpp);
// libpsl: psl_load_file + psl_registrable_domain; none: neither (the floor).
// Each asks about the three domains of one DMARC check; exit status 0 when
// the answers are right.
#include <libpsl.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "mailroom/auth/psl.hpp"
#include "psl_domains.hpp"

namespace {

constexpr const char* kDomains[] = {"news.steamr.com", "mail.example.co.uk", "steamr.com"};
constexpr const char* kWant[] = {"steamr.com", "example.co.uk", "steamr.com"};

int own() {
  auto list = mailroom::auth::PublicSuffixList::load(std::string(mailroom::bench::kPslPath));
  if (!list) return 2;
  for (std::size_t i = 0; i < std::size(kDomains); ++i) {
    if (list->registrable_domain(kDomains[i]).value_or("") != kWant[i]) return 1;
  }
  return 0;
}

int libpsl() {
  psl_ctx_t* list = psl_load_file(std::string(mailroom::bench::kPslPath).c_str());
  if (list == nullptr) return 2;
  int status = 0;
  for (std::size_t i = 0; i < std::size(kDomains); ++i) {
    const char* got = psl_registrable_domain(list, kDomains[i]);
    if (got == nullptr || std::strcmp(got, kWant[i]) != 0) status = 1;
  }
  psl_free(list);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "own") return own();
  if (what == "libpsl") return libpsl();
  if (what == "none") return 0;
  std::fprintf(stderr, "usage: bench_psl_first_use own|libpsl|none\n");
  return 64;
}
