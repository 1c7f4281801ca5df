// What the first DKIM verification costs in a fresh process (issue 4: one
// `mailroom deliver` with an RSA-2048 and an Ed25519 signature no more than
// 1 ms slower than without). `deliver` runs once per message, so OpenSSL's
// first use (library and provider set-up, algorithm fetches, key decoding)
// is paid for every message; a loop in one process (bench_auth_dkim) hides
// it. Compare whole processes:
//
//   bench_dkim_first_use gen DIR      # 4 KB messages and key records, once
//   perf stat -r 200 -e task-clock,page-faults bench_dkim_first_use DIR none
//   perf stat -r 200 -e task-clock,page-faults bench_dkim_first_use DIR both
//   valgrind --tool=callgrind bench_dkim_first_use DIR both   # instructions
//
// Each STEP runs in order, in one process:
//   none | rsa | ed | both   verify DIR/<step>.eml with the keys in
//                            DIR/keys.txt; none.eml is the same message
//                            unsigned (no OpenSSL call at all), both.eml has
//                            an Ed25519 and an RSA-2048 signature
//   init                     OPENSSL_init_crypto(0, nullptr)
//   sha                      one SHA-256 (the first fetch)
//   rsakey | edkey           decode the p= key only
// Only the first STEP in a process pays OpenSSL's set-up: "none sha",
// "none rsakey" show each one's share. Exit status 0 when every step passed.
#include <openssl/crypto.h>
#include <sys/stat.h>

#include <cerrno>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "auth/dkim_base64.hpp"
#include "dkim_bench_message.hpp"
#include "unit/auth/dkim_test_signer.hpp"

namespace mailroom::auth {
namespace {

std::string tags(bool ed) {
  return std::string("v=1; a=") + (ed ? "ed25519-sha256" : "rsa-sha256") +
         "; c=relaxed/relaxed; d=example.com; s=" + (ed ? "ed" : "rsa") +
         "; h=from:to:subject:date:message-id:mime-version:content-type";
}

bool write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

int generate(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    std::perror(dir.c_str());
    return 1;
  }
  auto rsa = test::TestKey::make(false, 2048);
  auto ed = test::TestKey::make(true);
  std::string plain = bench::dkim_bench_message(4096);
  std::string both = test::sign(test::sign(plain, rsa, tags(false)), ed, tags(true));
  bool ok = write(dir + "/none.eml", plain) &&
            write(dir + "/rsa.eml", test::sign(plain, rsa, tags(false))) &&
            write(dir + "/ed.eml", test::sign(plain, ed, tags(true))) &&
            write(dir + "/both.eml", both) &&
            write(dir + "/keys.txt", "rsa._domainkey.example.com\t" + rsa.record() +
                                         "\ned._domainkey.example.com\t" + ed.record() + "\n");
  return ok ? 0 : 1;
}

test::MapKeys read_keys(const std::string& dir) {
  test::MapKeys keys;
  std::ifstream in(dir + "/keys.txt");
  std::string line;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) keys.records[line.substr(0, tab)] = {line.substr(tab + 1)};
  }
  return keys;
}

// The base64 p= of a record (the generator writes it last).
std::string key_der(const test::MapKeys& keys, const std::string& name) {
  const std::string& record = keys.records.at(name).at(0);
  auto der = base64_decode(record.substr(record.find("p=") + 2));
  return der ? *der : std::string();
}

// Passes when the file carries `signatures` signatures and each passes (a
// missing or empty file has none, so it cannot pass for rsa, ed or both).
bool verify_file(const std::string& path, test::MapKeys& keys, std::size_t signatures) {
  auto msg = test::parse_message(test::read_file(path));
  if (msg.headers().empty()) return false;
  DkimVerifier verifier(keys.fetcher());
  auto results = verifier.verify(msg);
  bool ok = results.size() == signatures;
  for (const auto& r : results) ok = ok && r.status == DkimStatus::pass;
  return ok;
}

bool step(const std::string& s, const std::string& dir, test::MapKeys& keys) {
  if (s == "init") return OPENSSL_init_crypto(0, nullptr) == 1;
  if (s == "sha") return sha256("abc")[0] == 0xba;
  if (s == "rsakey") {
    return load_public_key(KeyType::rsa, key_der(keys, "rsa._domainkey.example.com")).has_value();
  }
  if (s == "edkey") {
    return load_public_key(KeyType::ed25519, key_der(keys, "ed._domainkey.example.com"))
        .has_value();
  }
  const std::size_t signatures = s == "both" ? 2 : s == "none" ? 0 : 1;
  return verify_file(dir + "/" + s + ".eml", keys, signatures);
}

}  // namespace
}  // namespace mailroom::auth

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: bench_dkim_first_use gen DIR | DIR STEP...\n", stderr);
    return 2;
  }
  std::string first = argv[1];
  if (first == "gen") return mailroom::auth::generate(argv[2]);
  auto keys = mailroom::auth::read_keys(first);
  int failed = 0;
  for (int i = 2; i < argc; ++i) {
    if (!mailroom::auth::step(argv[i], first, keys)) {
      std::fprintf(stderr, "step %s failed\n", argv[i]);
      ++failed;
    }
  }
  return failed == 0 ? 0 : 1;
}
