// DMARC evaluation (RFC 7489 §6.6) against a StaticResolver: one table of
// zones, identifiers and the expected result and policy.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mailroom/auth/dmarc.hpp"
#include "mailroom/dns/static_resolver.hpp"
#include "mailroom/message/message.hpp"

namespace mailroom::auth {
namespace {

const PublicSuffixList& psl() {
  static const PublicSuffixList list = PublicSuffixList::from_text(
      "com\nnet\norg\nuk\nco.uk\n// ===BEGIN PRIVATE DOMAINS===\n"
      "github.io\n");
  return list;
}

struct Sig {
  const char* domain;
  DkimStatus status;
};

struct Case {
  const char* name;
  const char* zone;
  const char* from;
  std::optional<SpfCode> spf;
  const char* spf_domain;
  std::vector<Sig> dkim;
  unsigned random;  // pct= draw
  DmarcCode code;
  DmarcPolicy policy;
  const char* record_domain;
};

const std::vector<Case>& cases() {
  using enum DmarcCode;
  using P = DmarcPolicy;
  static const std::vector<Case> table = {
      {"spf_relaxed_aligned",
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "example.com",
       SpfCode::pass,
       "bounce.example.com",
       {},
       0,
       pass,
       P::none,
       "example.com"},
      {"spf_strict_unaligned",
       "_dmarc.example.com TXT v=DMARC1; p=reject; aspf=s",
       "example.com",
       SpfCode::pass,
       "bounce.example.com",
       {},
       0,
       fail,
       P::reject,
       "example.com"},
      {"spf_strict_aligned",
       "_dmarc.example.com TXT v=DMARC1; p=reject; aspf=s",
       "example.com",
       SpfCode::pass,
       "EXAMPLE.com",
       {},
       0,
       pass,
       P::none,
       "example.com"},
      {"spf_softfail_aligned",
       "_dmarc.example.com TXT v=DMARC1; p=quarantine",
       "example.com",
       SpfCode::softfail,
       "example.com",
       {},
       0,
       fail,
       P::quarantine,
       "example.com"},
      {"dkim_relaxed_sp_at_org",
       "_dmarc.example.com TXT v=DMARC1; p=reject; sp=quarantine",
       "news.example.com",
       std::nullopt,
       "",
       {{"example.com", DkimStatus::pass}},
       0,
       pass,
       P::none,
       "example.com"},
      {"dkim_strict_sp_at_org",
       "_dmarc.example.com TXT v=DMARC1; p=reject; sp=quarantine; adkim=s",
       "news.example.com",
       std::nullopt,
       "",
       {{"example.com", DkimStatus::pass}},
       0,
       fail,
       P::quarantine,
       "example.com"},
      {"record_at_from_domain_uses_p",
       "_dmarc.news.example.com TXT v=DMARC1; p=none; sp=reject\n"
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "news.example.com",
       SpfCode::fail,
       "news.example.com",
       {},
       0,
       fail,
       P::none,
       "news.example.com"},
      {"unaligned_passes",
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "example.com",
       SpfCode::pass,
       "other.net",
       {{"other.net", DkimStatus::pass}},
       0,
       fail,
       P::reject,
       "example.com"},
      {"aligned_dkim_fails",
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "example.com",
       SpfCode::none,
       "example.com",
       {{"example.com", DkimStatus::fail}},
       0,
       fail,
       P::reject,
       "example.com"},
      {"second_signature_aligned",
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "example.com",
       std::nullopt,
       "",
       {{"esp.net", DkimStatus::pass}, {"mail.example.com", DkimStatus::pass}},
       0,
       pass,
       P::none,
       "example.com"},
      {"pct_0_lowers_reject",
       "_dmarc.example.com TXT v=DMARC1; p=reject; pct=0",
       "example.com",
       SpfCode::fail,
       "example.com",
       {},
       0,
       fail,
       P::quarantine,
       "example.com"},
      {"pct_0_lowers_quarantine",
       "_dmarc.example.com TXT v=DMARC1; p=quarantine; pct=0",
       "example.com",
       SpfCode::fail,
       "example.com",
       {},
       99,
       fail,
       P::none,
       "example.com"},
      {"pct_50_sampled_in",
       "_dmarc.example.com TXT v=DMARC1; p=reject; pct=50",
       "example.com",
       SpfCode::fail,
       "example.com",
       {},
       49,
       fail,
       P::reject,
       "example.com"},
      {"pct_50_sampled_out",
       "_dmarc.example.com TXT v=DMARC1; p=reject; pct=50",
       "example.com",
       SpfCode::fail,
       "example.com",
       {},
       50,
       fail,
       P::quarantine,
       "example.com"},
      {"no_record",
       "example.com TXT v=spf1 -all",
       "example.com",
       SpfCode::pass,
       "example.com",
       {},
       0,
       none,
       P::none,
       ""},
      {"only_other_txt",
       "_dmarc.example.com TXT hello world",
       "mail.example.com",
       SpfCode::pass,
       "example.com",
       {},
       0,
       none,
       P::none,
       ""},
      {"multiple_records",
       "_dmarc.example.com TXT v=DMARC1; p=reject\n_dmarc.example.com TXT v=DMARC1; p=none",
       "example.com",
       SpfCode::pass,
       "example.com",
       {},
       0,
       permerror,
       P::none,
       "example.com"},
      {"invalid_record",
       "_dmarc.example.com TXT v=DMARC1; p=reject; pct=200",
       "example.com",
       SpfCode::pass,
       "example.com",
       {},
       0,
       permerror,
       P::none,
       "example.com"},
      {"timeout_at_from",
       "_dmarc.example.com TIMEOUT",
       "example.com",
       SpfCode::pass,
       "example.com",
       {},
       0,
       temperror,
       P::none,
       "example.com"},
      {"servfail_at_org",
       "_dmarc.example.com SERVFAIL",
       "a.example.com",
       SpfCode::pass,
       "example.com",
       {},
       0,
       temperror,
       P::none,
       "example.com"},
      {"aligned_dkim_temperror",
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "example.com",
       SpfCode::fail,
       "example.com",
       {{"example.com", DkimStatus::temperror}},
       0,
       temperror,
       P::none,
       "example.com"},
      // RFC 7489 §4.2 (issue 12): a temperror for an identifier that is
      // not aligned cannot turn a failure into a temperror...
      {"unaligned_spf_temperror_is_fail",
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "example.com",
       SpfCode::temperror,
       "slow.example.net",
       {{"example.com", DkimStatus::fail}},
       0,
       fail,
       P::reject,
       "example.com"},
      {"strictly_unaligned_spf_temperror_is_fail",
       "_dmarc.example.com TXT v=DMARC1; p=reject; aspf=s",
       "example.com",
       SpfCode::temperror,
       "bounce.example.com",
       {},
       0,
       fail,
       P::reject,
       "example.com"},
      {"unaligned_dkim_temperror_is_fail",
       "_dmarc.example.com TXT v=DMARC1; p=quarantine",
       "example.com",
       SpfCode::fail,
       "example.com",
       {{"slow.example.net", DkimStatus::temperror}},
       0,
       fail,
       P::quarantine,
       "example.com"},
      // ...one that is aligned can: it might have passed.
      {"aligned_spf_temperror",
       "_dmarc.example.com TXT v=DMARC1; p=reject",
       "example.com",
       SpfCode::temperror,
       "bounce.example.com",
       {{"example.com", DkimStatus::fail}},
       0,
       temperror,
       P::none,
       "example.com"},
      {"private_suffix_org",
       "_dmarc.me.github.io TXT v=DMARC1; p=reject",
       "www.me.github.io",
       std::nullopt,
       "",
       {{"you.github.io", DkimStatus::pass}},
       0,
       fail,
       P::reject,
       "me.github.io"},
  };
  return table;
}

class DmarcCase : public ::testing::TestWithParam<Case> {};

TEST_P(DmarcCase, Evaluates) {
  const Case& c = GetParam();
  dns::StaticResolver resolver;
  ASSERT_TRUE(resolver.load(c.zone));
  std::vector<DkimResult> dkim;
  for (const auto& s : c.dkim) {
    DkimResult r;
    r.domain = s.domain;
    r.status = s.status;
    dkim.push_back(r);
  }
  DmarcInput input{c.from, c.spf, c.spf_domain, dkim};
  DmarcOptions options;
  unsigned draw = c.random;
  options.random_percent = [draw] { return draw; };
  DmarcResult r = check_dmarc(input, resolver, psl(), options);
  EXPECT_EQ(r.code, c.code) << r.reason;
  EXPECT_EQ(r.policy, c.policy) << r.reason;
  if (r.code == DmarcCode::fail || r.code == DmarcCode::pass) {
    EXPECT_EQ(r.record_domain, c.record_domain);
  }
  EXPECT_FALSE(r.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, DmarcCase, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// A resolver that cannot work at all (issue 11: `auth check --dns` with a
// malformed or unreachable server).
class BrokenResolver final : public dns::Resolver {
 public:
  explicit BrokenResolver(ErrorKind kind) : kind_(kind) {}
  Result<dns::Answer> query(std::string_view, dns::RecordType, dns::Deadline) override {
    return fail(kind_, "bad DNS server \"nonsense\"");
  }

 private:
  ErrorKind kind_;
};

TEST(Dmarc, ALocalDnsFailureIsTemperrorWithoutAdvice) {
  for (ErrorKind kind : {ErrorKind::config, ErrorKind::temporary, ErrorKind::internal}) {
    BrokenResolver resolver(kind);
    DmarcInput input{"example.com", SpfCode::fail, "example.com", {}};
    DmarcResult r = check_dmarc(input, resolver, psl());
    EXPECT_EQ(r.code, DmarcCode::temperror) << r.reason;
    EXPECT_TRUE(r.advice.empty()) << r.advice;
  }
}

TEST(Dmarc, AdviceToPublishOnlyWhenDnsSaidThereIsNoRecord) {
  dns::StaticResolver resolver;  // NXDOMAIN for everything
  DmarcInput input{"example.com", SpfCode::fail, "example.com", {}};
  DmarcResult r = check_dmarc(input, resolver, psl());
  EXPECT_EQ(r.code, DmarcCode::none);
  EXPECT_EQ(r.advice, "publish a DMARC record at _dmarc.example.com");
}

TEST(Dmarc, Alignment) {
  EXPECT_TRUE(aligned("mail.example.co.uk", "example.co.uk", DmarcAlignment::relaxed, psl()));
  EXPECT_FALSE(aligned("example.co.uk", "other.co.uk", DmarcAlignment::relaxed, psl()));
  EXPECT_FALSE(aligned("mail.example.com", "example.com", DmarcAlignment::strict, psl()));
  EXPECT_TRUE(aligned("Example.COM.", "example.com", DmarcAlignment::strict, psl()));
  EXPECT_FALSE(aligned("", "example.com", DmarcAlignment::relaxed, psl()));
}

message::Message parse(std::string text) {
  return message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text))));
}

TEST(Dmarc, AuthorDomain) {
  auto ok = author_domain(parse("From: Alice <alice@Mail.Example.COM>\n\nbody\n"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "mail.example.com");
  auto same = author_domain(parse("From: a@example.com, b@example.com\n\n"));
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, "example.com");
  auto idn = author_domain(parse("From: a@bücher.example\n\n"));
  ASSERT_TRUE(idn);
  EXPECT_EQ(*idn, "xn--bcher-kva.example");

  const char* bad[] = {
      "To: x@example.com\n\n",
      "From: a@example.com\nFrom: b@example.com\n\n",
      "From: a@example.com, b@example.net\n\n",
      "From: undisclosed:;\n\n",
      "From: a@[192.0.2.1]\n\n",
  };
  for (const char* text : bad) {
    auto r = author_domain(parse(text));
    EXPECT_FALSE(r) << text;
  }
  DmarcResult r = dmarc_no_author("x");
  EXPECT_EQ(r.code, DmarcCode::permerror);
}

}  // namespace
}  // namespace mailroom::auth
