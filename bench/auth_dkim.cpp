// DKIM verifications per second (Google Benchmark): RSA-2048 and Ed25519
// signatures on 4 KB and 100 KB messages, keys answered from an in-memory
// map (a warm DNS cache), beside the crypto floor (one RSA-2048 or Ed25519
// verify, SHA-256 over the body) measured in the same run.
//   bench_auth_dkim --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <string>

#include "dkim_bench_message.hpp"
#include "unit/auth/dkim_test_signer.hpp"

namespace mailroom::auth {
namespace {

const test::TestKey& rsa2048() {
  static test::TestKey k = test::TestKey::make(false, 2048);
  return k;
}
const test::TestKey& ed25519() {
  static test::TestKey k = test::TestKey::make(true);
  return k;
}

struct Case {
  std::string message;
  test::MapKeys keys;
};

Case make_case(bool ed, std::size_t size) {
  Case c;
  const auto& key = ed ? ed25519() : rsa2048();
  std::string sel = ed ? "ed" : "rsa";
  c.keys.records[sel + "._domainkey.example.com"] = {key.record()};
  c.message = test::sign(bench::dkim_bench_message(size), key,
                         std::string("v=1; a=") + (ed ? "ed25519-sha256" : "rsa-sha256") +
                             "; c=relaxed/relaxed; d=example.com; s=" + sel +
                             "; h=from:to:subject:date:message-id:mime-version:content-type");
  return c;
}

// One long-lived verifier (as in `mailroom lmtp`): parsed keys stay cached.
void BM_Verify(benchmark::State& state) {
  Case c = make_case(state.range(0) == 1, static_cast<std::size_t>(state.range(1)));
  DkimVerifier verifier(c.keys.fetcher());
  for (auto _ : state) {
    auto msg = test::parse_message(c.message);
    auto results = verifier.verify(msg);
    if (results.size() != 1 || results[0].status != DkimStatus::pass) {
      state.SkipWithError("signature did not verify");
      break;
    }
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.message.size()));
}

// A verifier per message (as in one `mailroom deliver` per message): the key
// is decoded every time.
void BM_VerifyColdKey(benchmark::State& state) {
  Case c = make_case(state.range(0) == 1, static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) {
    DkimVerifier verifier(c.keys.fetcher());
    auto msg = test::parse_message(c.message);
    auto results = verifier.verify(msg);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// The crypto floor: one signature check on a fixed header hash input.
void BM_CryptoVerifyOnly(benchmark::State& state) {
  bool ed = state.range(0) == 1;
  const auto& key = ed ? ed25519() : rsa2048();
  auto rec = parse_dkim_key(key.record());
  auto pk = load_public_key(rec->key_type, rec->public_key);
  std::string data(600, 'h');
  std::string sig64 = key.sign(data);
  std::string sig = *parse_dkim_key("p=" + sig64).map([](auto k) { return k.public_key; });
  auto alg = ed ? SignatureAlgorithm::ed25519_sha256 : SignatureAlgorithm::rsa_sha256;
  for (auto _ : state) {
    benchmark::DoNotOptimize(verify_signature(*pk, alg, data, sig));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Sha256(benchmark::State& state) {
  std::string data(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(sha256(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// range(0): 0 = RSA-2048, 1 = Ed25519; range(1): message size in bytes.
BENCHMARK(BM_Verify)->ArgsProduct({{0, 1}, {4096, 102400}});
BENCHMARK(BM_VerifyColdKey)->ArgsProduct({{0, 1}, {4096}});
BENCHMARK(BM_CryptoVerifyOnly)->Arg(0)->Arg(1);
BENCHMARK(BM_Sha256)->Arg(102400);

}  // namespace
}  // namespace mailroom::auth

BENCHMARK_MAIN();
