// authenticate() end to end, in process: a message signed here (the DKIM
// tests' signer), keys, SPF and DMARC records in a StaticResolver.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "dkim_test_signer.hpp"
#include "mailroom/auth/authenticate.hpp"
#include "mailroom/dns/static_resolver.hpp"

namespace mailroom::auth {
namespace {

const std::string kMessage = test::crlf(
    "From: Alice <alice@example.com>\n"
    "To: bob@example.org\n"
    "Subject: quarterly report\n"
    "\n"
    "The numbers are in.\n");
const std::string kTags =
    "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed; h=from:to:subject";

const test::TestKey& key() {
  static test::TestKey k = test::TestKey::make(true);
  return k;
}

std::string signed_message() { return test::sign(kMessage, key(), kTags); }

void load_zone(dns::StaticResolver& resolver) {
  resolver.add_txt("ed._domainkey.example.com", key().record());
  resolver.add_txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
  resolver.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:d@example.com");
}

AuthConfig config() {
  AuthConfig c;
  c.authserv_id = "mx.example.org";
  c.random_percent = [] { return 0u; };
  return c;
}

AuthInput input(std::string ip = "192.0.2.7") {
  return AuthInput{std::move(ip), "mail.example.com", std::string("bounce@example.com")};
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(Authenticate, SignedMessagePassesEverything) {
  dns::StaticResolver resolver;
  load_zone(resolver);
  // A sender-supplied field claiming our authserv-id, above the signature.
  auto m = test::parse_message("Authentication-Results: mx.example.org; dmarc=pass\r\n" +
                               signed_message());
  AuthResults r = authenticate(m, input(), resolver, config());
  ASSERT_TRUE(r.spf);
  EXPECT_EQ(r.spf->code, SpfCode::pass) << r.spf->why;
  ASSERT_EQ(r.dkim.size(), 1u);
  EXPECT_EQ(r.dkim[0].status, DkimStatus::pass) << r.dkim[0].reason;
  EXPECT_EQ(r.dmarc.code, DmarcCode::pass) << r.dmarc.reason;
  EXPECT_TRUE(r.dmarc.spf_aligned);
  EXPECT_TRUE(r.dmarc.dkim_aligned);
  EXPECT_EQ(r.arc.status, ArcChainStatus::none);
  EXPECT_EQ(r.forged, std::vector<std::size_t>{0});
  EXPECT_FALSE(r.from_trusted_upstream);
  EXPECT_TRUE(
      r.header_value.starts_with("mx.example.org;\n\tspf=pass "
                                 "smtp.mailfrom=bounce@example.com;\n"))
      << r.header_value;
  EXPECT_TRUE(contains(r.header_value,
                       "dkim=pass header.d=example.com header.s=ed header.a=ed25519-sha256"))
      << r.header_value;
  EXPECT_TRUE(contains(r.header_value,
                       "dmarc=pass (p=REJECT dis=NONE) header.from=example.com\n"
                       " polrec.p=reject;"))
      << r.header_value;
  EXPECT_TRUE(contains(r.header_value, "arc=none smtp.remote-ip=192.0.2.7")) << r.header_value;
  // Our own field parses back.
  auto back = parse_authentication_results(r.header_value);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->results.size(), 4u);
  std::string words = joined(r.explanation) + joined(explain(r));
  EXPECT_TRUE(contains(words, "signed headers: from, to, subject")) << words;
  EXPECT_TRUE(contains(words, "record at _dmarc.example.com")) << words;
  EXPECT_TRUE(contains(words, "X-Forged-Authentication-Results")) << words;
}

// The zone, plus a record of what was sent ahead and of what was asked.
class AheadSpy final : public dns::Resolver {
 public:
  Result<dns::Answer> query(std::string_view name, dns::RecordType type,
                            dns::Deadline deadline) override {
    asked.emplace_back(name);
    return zone.query(name, type, deadline);
  }
  void send_ahead(std::string_view name, dns::RecordType) override { ahead.emplace_back(name); }
  dns::StaticResolver zone;
  std::vector<std::string> ahead;
  std::vector<std::string> asked;
};

TEST(Authenticate, FirstQuestionOfEveryCheckIsSentAheadAtOnce) {
  AheadSpy spy;
  load_zone(spy.zone);
  auto m = test::parse_message(signed_message());
  AuthResults r = authenticate(m, input(), spy, config());
  ASSERT_EQ(r.dkim.size(), 1u);
  EXPECT_EQ(r.dkim[0].status, DkimStatus::pass) << r.dkim[0].reason;
  // SPF's record, the key, DMARC's record: all before the first answer is
  // awaited, and each is then asked for (answered from what was sent).
  EXPECT_EQ(spy.ahead, (std::vector<std::string>{"example.com", "ed._domainkey.example.com",
                                                 "_dmarc.example.com"}));
  for (const auto& name : spy.ahead)
    EXPECT_NE(std::find(spy.asked.begin(), spy.asked.end(), name), spy.asked.end()) << name;
}

TEST(Authenticate, NullSenderSendsTheHeloRecordAhead) {
  for (const char* null_sender : {"", "<>"}) {
    AheadSpy spy;
    load_zone(spy.zone);
    auto m = test::parse_message(signed_message());
    AuthInput in{"192.0.2.7", "mail.example.com", std::string(null_sender)};
    (void)authenticate(m, in, spy, config());
    ASSERT_FALSE(spy.ahead.empty());
    EXPECT_EQ(spy.ahead.front(), "mail.example.com") << '"' << null_sender << '"';
  }
}

TEST(Authenticate, NoClientIpSendsNoSpfQuestionAhead) {
  AheadSpy spy;
  load_zone(spy.zone);
  auto m = test::parse_message(signed_message());
  (void)authenticate(m, input(""), spy, config());
  EXPECT_EQ(spy.ahead,
            (std::vector<std::string>{"ed._domainkey.example.com", "_dmarc.example.com"}));
}

TEST(Authenticate, TamperedMessageFromElsewhereFailsDmarc) {
  dns::StaticResolver resolver;
  load_zone(resolver);
  std::string bytes = signed_message();
  bytes.replace(bytes.find("numbers"), 7, "NUMBERS");
  auto m = test::parse_message(bytes);
  AuthResults r = authenticate(m, input("198.51.100.1"), resolver, config());
  EXPECT_EQ(r.spf->code, SpfCode::fail);
  EXPECT_EQ(r.dkim[0].status, DkimStatus::fail);
  EXPECT_EQ(r.dmarc.code, DmarcCode::fail);
  EXPECT_EQ(r.policy(), DmarcPolicy::reject);
  EXPECT_TRUE(contains(r.header_value, "dis=REJECT")) << r.header_value;
  EXPECT_TRUE(contains(joined(explain(r)), "fix:"));
}

TEST(Authenticate, NoClientIpMeansNoSpf) {
  dns::StaticResolver resolver;
  load_zone(resolver);
  auto m = test::parse_message(signed_message());
  AuthResults r = authenticate(m, AuthInput{}, resolver, config());
  EXPECT_FALSE(r.spf);
  EXPECT_FALSE(contains(r.header_value, "spf="));
  EXPECT_EQ(r.dmarc.code, DmarcCode::pass);  // DKIM alone is enough
}

TEST(Authenticate, TimeoutsGiveTemperrorWithinBudget) {
  dns::StaticResolver resolver;
  for (const char* name : {"example.com", "ed._domainkey.example.com", "_dmarc.example.com"}) {
    resolver.add_timeout(name);
  }
  auto m = test::parse_message(signed_message());
  AuthResults r = authenticate(m, input(), resolver, config());
  EXPECT_EQ(r.spf->code, SpfCode::temperror);
  EXPECT_EQ(r.dkim[0].status, DkimStatus::temperror);
  EXPECT_EQ(r.dmarc.code, DmarcCode::temperror);
  EXPECT_TRUE(contains(r.header_value, "dmarc=temperror"));
}

// Answers nothing until the deadline: the budget must bound the whole check.
class SlowResolver final : public dns::Resolver {
 public:
  Result<dns::Answer> query(std::string_view, dns::RecordType, dns::Deadline deadline) override {
    ++queries;
    auto wait =
        std::min<dns::Deadline::Clock::duration>(deadline.remaining(), std::chrono::seconds(5));
    std::this_thread::sleep_for(wait);
    return fail(ErrorKind::temporary, "timed out");
  }
  int queries = 0;
};

TEST(Authenticate, NeverExceedsTheDnsBudget) {
  SlowResolver resolver;
  AuthConfig c = config();
  c.dns_timeout = std::chrono::milliseconds(100);
  c.dns_budget = std::chrono::milliseconds(250);
  auto m = test::parse_message(signed_message());
  auto start = std::chrono::steady_clock::now();
  AuthResults r = authenticate(m, input(), resolver, c);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::milliseconds(450));
  EXPECT_GE(resolver.queries, 2);
  EXPECT_EQ(r.dmarc.code, DmarcCode::temperror);
}

// Issue 12: the sender's own domain answers its SPF include: chain slowly
// (each answer after 150 ms, one include after another); everything else
// answers at once, while its deadline has not passed.
class SlowSpfChain final : public dns::Resolver {
 public:
  explicit SlowSpfChain(dns::StaticResolver& zone) : zone_(zone) {}
  Result<dns::Answer> query(std::string_view name, dns::RecordType type,
                            dns::Deadline deadline) override {
    if (!name.ends_with("slow.test")) return zone_.query(name, type, deadline);
    std::this_thread::sleep_for(std::min<dns::Deadline::Clock::duration>(
        deadline.remaining(), std::chrono::milliseconds(150)));
    if (deadline.expired()) return fail(ErrorKind::temporary, "timed out");
    dns::Answer answer = dns::Answer::of(dns::AnswerKind::records);
    answer.texts.push_back("v=spf1 include:n" + std::to_string(++hops) + ".slow.test -all");
    return answer;
  }
  int hops = 0;

 private:
  dns::StaticResolver& zone_;
};

TEST(Authenticate, ASlowSpfChainDoesNotStarveDmarc) {
  dns::StaticResolver zone;
  load_zone(zone);  // example.com publishes p=reject
  SlowSpfChain resolver(zone);
  AuthConfig c = config();
  c.dns_timeout = std::chrono::milliseconds(500);
  c.dns_budget = std::chrono::milliseconds(1000);
  // From a subdomain: DMARC's second lookup (_dmarc.example.com, the
  // organisational domain) is a new question, asked after SPF.
  auto m = test::parse_message(test::crlf(
      "From: CEO <ceo@pay.example.com>\nTo: bob@example.org\nSubject: invoice\n\nPay it.\n"));
  AuthResults r =
      authenticate(m, AuthInput{"203.0.113.5", "evil.slow.test", "ceo@slow.test"}, resolver, c);
  ASSERT_TRUE(r.spf);
  EXPECT_EQ(r.spf->code, SpfCode::temperror);
  EXPECT_EQ(r.dmarc.code, DmarcCode::fail) << r.dmarc.reason;
  EXPECT_EQ(r.policy(), DmarcPolicy::reject);
  EXPECT_GE(resolver.hops, 2);  // the chain was followed, then cut at SPF's share
}

TEST(Authenticate, WithoutDnsEachBodyHashIsStillReported) {
  dns::StaticResolver resolver;
  resolver.add_timeout("ed._domainkey.example.com");
  std::string tampered = signed_message();
  tampered.replace(tampered.find("numbers"), 7, "NUMBERS");
  for (const auto& [bytes, matches] : {std::pair{signed_message(), true}, {tampered, false}}) {
    auto m = test::parse_message(bytes);
    AuthResults r = authenticate(m, input(), resolver, config());
    ASSERT_EQ(r.dkim.size(), 1U);
    EXPECT_EQ(r.dkim[0].status, DkimStatus::temperror);
    ASSERT_TRUE(r.dkim[0].body_hash_matches);
    EXPECT_EQ(*r.dkim[0].body_hash_matches, matches);
    EXPECT_TRUE(contains(joined(explain(r)),
                         matches ? "body hash (bh=): matches" : "body hash (bh=): does not match"))
        << joined(explain(r));
  }
}

TEST(Authenticate, TrustedUpstreamIsReusedNotRechecked) {
  dns::StaticResolver resolver;
  load_zone(resolver);
  auto m = test::parse_message(
      "Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=bounce@example.com;\r\n"
      " dkim=pass header.d=example.com header.s=ed; dmarc=pass header.from=example.com\r\n" +
      signed_message());
  AuthConfig c = config();
  c.trusted_authserv_ids = {"relay.example.net"};
  AuthResults r = authenticate(m, input(), resolver, c);
  EXPECT_TRUE(r.from_trusted_upstream);
  EXPECT_EQ(r.upstream_authserv_id, "relay.example.net");
  EXPECT_EQ(resolver.queries(), 0u);
  ASSERT_TRUE(r.spf);
  EXPECT_EQ(r.spf->code, SpfCode::pass);
  ASSERT_EQ(r.dkim.size(), 1u);
  EXPECT_EQ(r.dkim[0].domain, "example.com");
  EXPECT_EQ(r.dmarc.code, DmarcCode::pass);
  EXPECT_TRUE(r.header_value.starts_with("mx.example.org;")) << r.header_value;
  EXPECT_TRUE(contains(r.header_value, "(from relay.example.net)")) << r.header_value;
}

TEST(Authenticate, DisabledOnlyFindsForgeries) {
  dns::StaticResolver resolver;
  auto m = test::parse_message("Authentication-Results: mx.example.org; spf=pass\r\n" +
                               signed_message());
  AuthConfig c = config();
  c.enabled = false;
  AuthResults r = authenticate(m, input(), resolver, c);
  EXPECT_EQ(r.forged, std::vector<std::size_t>{0});
  EXPECT_TRUE(r.header_value.empty());
  EXPECT_EQ(resolver.queries(), 0u);
}

TEST(Authenticate, MissingFromIsPermerror) {
  dns::StaticResolver resolver;
  load_zone(resolver);
  auto m = test::parse_message("Subject: no author\r\n\r\nbody\r\n");
  AuthResults r = authenticate(m, input(), resolver, config());
  EXPECT_EQ(r.dmarc.code, DmarcCode::permerror);
  EXPECT_TRUE(contains(r.header_value, "dkim=none"));
  EXPECT_TRUE(contains(r.header_value, "dmarc=permerror reason=\"no author domain"))
      << r.header_value;
}

}  // namespace
}  // namespace mailroom::auth
