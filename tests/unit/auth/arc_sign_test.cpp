// ARC sealing (RFC 8617 §5.1): the signing suite of ValiMail
// (tests/data/arc/arc-draft-sign-tests.yml, MIT licence) gives the ARC set
// for each message, key and time. Ours must have its ARC-Authentication-
// Results and ARC-Message-Signature exactly (b= included: RSA PKCS#1 v1.5
// is deterministic) and its ARC-Seal tags. The suite's expected ARC-Seal
// b= values are stale: neither dkimpy nor we validate them (checked with
// dkim.arc_verify on the suite's own sets: "ARC-Seal[1] did not
// validate"). The seals the suite itself puts on its next-hop messages
// (i1_base carries i0_base's set, i2_base i1_base's) are exactly ours, and
// every set we seal validates, with us and with dkimpy. dkimpy's arc_verify,
// the oracle, must pass what we seal, with RSA and Ed25519, on a first hop
// (cv=none) and on a message with a valid chain (cv=pass), and must fail a
// chain we record as broken.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "dkim_test_signer.hpp"
#include "dkim_test_util.hpp"
#include "mailroom/auth/arc.hpp"
#include "mailroom/auth/arc_sign.hpp"
#include "mailroom/util/text.hpp"
#include "unit/skip_or_fail.hpp"

#ifdef MAILROOM_HAVE_YAML_CPP
#include <yaml-cpp/yaml.h>
#endif

namespace mailroom::auth {
namespace {

namespace fs = std::filesystem;

// dkimpy's verdicts ("pass", "fail", "None") for each message, by name,
// with `records` as DNS; empty when dkimpy is missing.
std::map<std::string, std::string> dkimpy_verdicts(
    const std::map<std::string, std::string>& messages,
    const std::map<std::string, std::vector<std::string>>& records, bool& missing) {
  fs::path dir = fs::temp_directory_path() / ("mailroom-arc-seal-" + std::to_string(getpid()));
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "keys.txt");
    for (const auto& [name, texts] : records) {
      std::string one_line = texts.front();  // the suite folds its records over lines
      std::erase(one_line, '\n');
      out << name << "\t" << one_line << "\n";
    }
  }
  for (const auto& [name, text] : messages)
    std::ofstream(dir / (name + ".eml"), std::ios::binary) << test::crlf(text);  // the wire form
  std::string out = (dir / "verdicts").string();
  std::string cmd = "/usr/bin/python3 " MAILROOM_ARC_DKIMPY_SCRIPT " " + dir.string() + " >" + out;
  int rc = std::system(cmd.c_str());
  missing = WIFEXITED(rc) && WEXITSTATUS(rc) == 77;
  if (!missing && rc != 0) ADD_FAILURE() << cmd << " failed";
  std::map<std::string, std::string> verdicts;
  std::ifstream in(out);
  for (std::string name, cv, reason; in >> name >> cv && std::getline(in, reason);)
    verdicts[name] = cv + " (" + std::string(trim_space(reason)) + ")";
  fs::remove_all(dir);
  return verdicts;
}

// testarc.py's comparison: whitespace removed, the value split at ';' into
// a set (here: equal sets, not just a subset).
std::set<std::string> tag_set(std::string_view value) {
  std::string compact;
  for (char c : value)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact.push_back(c);
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= compact.size()) {
    auto end = compact.find(';', start);
    if (end == std::string::npos) end = compact.size();
    if (end > start) out.insert(compact.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string value_of(const std::string& field) { return field.substr(field.find(':') + 1); }

// The b= of an ARC-Seal value (or field), whitespace removed.
std::string b_of(std::string_view seal) {
  for (const auto& tag : tag_set(
           seal.substr(seal.find(':') == std::string_view::npos || seal.find(':') > seal.find('=')
                           ? 0
                           : seal.find(':') + 1)))
    if (tag.rfind("b=", 0) == 0) return tag.substr(2);
  return {};
}

// The signing suite's convention: the Authentication-Results fields of
// the sealer's authserv-id, merged (ar_merged1/2), become the AAR.
std::string results_for(const message::Message& msg, const std::string& srv_id) {
  std::string merged;
  for (const auto& f : msg.headers()) {
    if (!iequals(f.name, "Authentication-Results")) continue;
    std::string value = message::unfold(f.value);
    auto semi = value.find(';');
    if (semi == std::string::npos || trim_space(std::string_view(value).substr(0, semi)) != srv_id)
      continue;
    merged += "; " + std::string(trim_space(std::string_view(value).substr(semi + 1)));
  }
  return srv_id + merged;
}

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < list.size()) {
    auto end = std::min(list.find(':', start), list.size());
    out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(ArcSignSuite, EverySealMatchesTheSuite) {
#ifndef MAILROOM_HAVE_YAML_CPP
  MAILROOM_SKIP_OR_FAIL() << "yaml-cpp is not installed (scripts/deps/test-dkim.txt)";
#else
  const std::string path = MAILROOM_ARC_SIGN_SUITE;
  if (!fs::exists(path)) MAILROOM_SKIP_OR_FAIL() << path << " is absent";
  int run = 0, sealed = 0;
  std::map<std::string, std::string> sealed_messages, want, seal_b, suite_seal_b;
  std::map<std::string, std::vector<std::string>> records;
  for (const auto& doc : YAML::LoadAllFromFile(path)) {
    auto key = SigningKey::from_pem(doc["privatekey"].as<std::string>());
    ASSERT_TRUE(key) << key.error().message;
    test::MapKeys keys;
    for (const auto& rec : doc["txt-records"])
      keys.records[rec.first.as<std::string>()] = {rec.second.as<std::string>()};
    DkimVerifier verifier(keys.fetcher());
    for (const auto& t : doc["tests"]) {
      SCOPED_TRACE(t.first.as<std::string>());
      const auto& test = t.second;
      auto msg = test::parse_message(test["message"].as<std::string>());
      ArcSealOptions options;
      options.domain = doc["domain"].as<std::string>();
      options.selector = doc["sel"].as<std::string>();
      options.headers = split_names(test["sig-headers"].as<std::string>());
      options.timestamp = test["t"].as<std::int64_t>();
      auto chain = validate_arc(verifier, msg).status;
      auto results = results_for(msg, test["srv-id"].as<std::string>());
      auto set = arc_seal(msg.headers(), msg.body(), *key, options, results, chain);
      ++run;
      ASSERT_TRUE(set) << set.error().message;
      auto expected_as = tag_set(test["AS"].as<std::string>());
      if (expected_as.empty()) {  // no_additional_sig: the newest set says cv=fail
        EXPECT_FALSE(set->has_value());
        continue;
      }
      ASSERT_TRUE(set->has_value());
      ++sealed;
      const auto& fields = **set;
      EXPECT_EQ(tag_set(value_of(fields.authentication_results)),
                tag_set(test["AAR"].as<std::string>()));
      EXPECT_EQ(tag_set(value_of(fields.message_signature)),
                tag_set(test["AMS"].as<std::string>()));
      auto ours_as = tag_set(value_of(fields.seal));
      std::erase_if(ours_as, [](const std::string& t) { return t.rfind("b=", 0) == 0; });
      std::erase_if(expected_as, [](const std::string& t) { return t.rfind("b=", 0) == 0; });
      EXPECT_EQ(ours_as, expected_as);
      std::string name = t.first.as<std::string>();
      sealed_messages[name] = fields.text() + test["message"].as<std::string>();
      auto ours = validate_arc(verifier, test::parse_message(sealed_messages[name]));
      want[name] = fields.cv == ArcChainStatus::fail ? "None" : "pass";  // dkimpy's words
      EXPECT_EQ(ours.status,
                fields.cv == ArcChainStatus::fail ? ArcChainStatus::fail : ArcChainStatus::pass)
          << ours.reason;
      seal_b[name] = b_of(fields.seal);
      for (const auto& f : msg.headers())
        if (iequals(f.name, "ARC-Seal"))
          suite_seal_b[name + "/" + std::to_string(parse_arc_seal(f.value)->instance)] =
              b_of(f.value);
      records = keys.records;
    }
  }
  // The suite's next hops carry the sets we make.
  EXPECT_EQ(seal_b["i0_base"], suite_seal_b["i1_base/1"]);
  EXPECT_EQ(seal_b["i1_base"], suite_seal_b["i2_base/2"]);
  EXPECT_FALSE(seal_b["i0_base"].empty());
  bool missing = false;
  auto verdicts = dkimpy_verdicts(sealed_messages, records, missing);
  if (missing) MAILROOM_SKIP_OR_FAIL() << "dkimpy (python3-dkim) is not installed";
  for (const auto& [name, cv] : want)
    EXPECT_EQ(verdicts[name].substr(0, verdicts[name].find(' ')), cv)
        << name << ": dkimpy says " << verdicts[name];
  EXPECT_EQ(run, 17);
  EXPECT_EQ(sealed, 16);
#endif
}

std::string pem_of(const test::TestKey& key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key.pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

TEST(SigningKey, RefusesWhatIsNotAKeyOrTooSmall) {
  EXPECT_EQ(SigningKey::from_pem("not a key").error().kind, ErrorKind::config);
  auto small = SigningKey::from_pem(pem_of(test::TestKey::make(false, 512)));
  ASSERT_FALSE(small);
  EXPECT_NE(small.error().message.find("1024"), std::string::npos);
  auto ed = SigningKey::from_pem(pem_of(test::TestKey::make(true)));
  ASSERT_TRUE(ed);
  EXPECT_EQ(ed->algorithm(), "ed25519-sha256");
}

// Seals `text` as forward.example with `key`; the sealed message.
std::string sealed(const std::string& text, const SigningKey& key, DkimVerifier& verifier) {
  auto msg = test::parse_message(text);
  ArcSealOptions options;
  options.domain = "forward.example";
  options.selector = "arc";
  auto chain = validate_arc(verifier, msg).status;
  auto set = arc_seal(msg.headers(), msg.body(), key, options,
                      "mx.forward.example; spf=pass smtp.mailfrom=a@example.org; arc=" +
                          std::string(to_string(chain)),
                      chain);
  if (!set || !set->has_value()) return {};
  return (*set)->text() + text;
}

#ifdef MAILROOM_HAVE_YAML_CPP
// A message of the validation suite with its keys.
std::string suite_message(const std::string& wanted, test::MapKeys& keys) {
  for (const auto& doc : YAML::LoadAllFromFile(MAILROOM_ARC_SUITE)) {
    for (const auto& t : doc["tests"]) {
      if (t.first.as<std::string>() != wanted) continue;
      for (const auto& rec : doc["txt-records"])
        keys.records[rec.first.as<std::string>()] = {rec.second.as<std::string>()};
      return t.second["message"].as<std::string>();
    }
  }
  return {};
}
#endif

TEST(ArcSealAgainstDkimpy, DkimpyVerifiesWhatWeSeal) {
#ifndef MAILROOM_HAVE_YAML_CPP
  MAILROOM_SKIP_OR_FAIL() << "yaml-cpp is not installed";
#else
  if (!fs::exists("/usr/bin/python3")) MAILROOM_SKIP_OR_FAIL() << "/usr/bin/python3 is absent";
  test::MapKeys keys;
  auto rsa = test::TestKey::make(false, 2048);
  auto ed = test::TestKey::make(true);
  auto rsa_key = SigningKey::from_pem(pem_of(rsa)).value();
  auto ed_key = SigningKey::from_pem(pem_of(ed)).value();
  keys.records["arc._domainkey.forward.example"] = {rsa.record()};
  const std::string fresh =
      "From: Alice <a@example.org>\nTo: b@example.net\nSubject: hello\nDate: Mon, 7 Dec 2026 "
      "04:00:00 +0000\nMessage-ID: <x1@example.org>\nMIME-Version: 1.0\n\nHello,  world\n\n\n";
  std::string with_chain = suite_message("cv_pass_i2_1", keys);
  std::string broken = suite_message("cv_fail_i2_as1_invalid", keys);
  ASSERT_FALSE(with_chain.empty());
  DkimVerifier verifier(keys.fetcher());
  std::map<std::string, std::string> want;
  std::map<std::string, std::string> messages;
  messages["rsa-first"] = sealed(fresh, rsa_key, verifier);
  want["rsa-first"] = "pass";
  messages["rsa-chain"] = sealed(with_chain, rsa_key, verifier);
  want["rsa-chain"] = "pass";
  messages["rsa-broken"] = sealed(broken, rsa_key, verifier);
  want["rsa-broken"] = "fail";
  // Changed after sealing: the message signature breaks.
  messages["rsa-changed"] = messages["rsa-first"];
  messages["rsa-changed"].replace(messages["rsa-changed"].find("Subject: hello"), 14,
                                  "Subject: HELLO");
  want["rsa-changed"] = "fail";

  // Ed25519 under its own selector.
  keys.records["ed._domainkey.forward.example"] = {ed.record()};
  auto msg = test::parse_message(fresh);
  ArcSealOptions options{"forward.example", "ed"};
  auto set = arc_seal(msg.headers(), msg.body(), ed_key, options, "mx.forward.example; spf=none",
                      ArcChainStatus::none);
  ASSERT_TRUE(set && set->has_value());
  messages["ed-first"] = (*set)->text() + fresh;
  want["ed-first"] = "pass";

  for (const auto& [name, text] : messages) {
    ASSERT_FALSE(text.empty()) << name << " was not sealed";
    auto ours = validate_arc(verifier, test::parse_message(text));  // we agree first
    EXPECT_EQ(std::string(to_string(ours.status)), want[name]) << name << ": " << ours.reason;
  }
  // dkimpy 1.1 knows only rsa-sha256 for ARC (RFC 8617 names no other).
  want["ed-first"] = "fail";
  bool missing = false;
  auto verdicts = dkimpy_verdicts(messages, keys.records, missing);
  if (missing) MAILROOM_SKIP_OR_FAIL() << "dkimpy (python3-dkim) is not installed";
  for (const auto& [name, cv] : want)
    EXPECT_EQ(verdicts[name].substr(0, verdicts[name].find(' ')), cv)
        << name << ": dkimpy says " << verdicts[name];
#endif
}

}  // namespace
}  // namespace mailroom::auth
