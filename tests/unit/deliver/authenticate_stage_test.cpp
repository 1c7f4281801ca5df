// The authenticate stage of the pipeline: what the stored copy gets (one
// new Authentication-Results field, forged fields renamed in place without
// copying the message), when DNS is asked (never with auth off or a trusted
// upstream), DNS faults as temperror, the client from a trusted MTA's
// Received field, and the [auth] configuration keys.
#include "deliver/authenticate_stage.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "deliver/received_client.hpp"
#include "mailroom/dns/static_resolver.hpp"
#include "mailroom/message/buffer.hpp"
#include "mailroom/util/host.hpp"

#include "message_pieces.hpp"
#include "unit/temp_files.hpp"

namespace mailroom::deliver {
namespace {

using test::join;
using test::parse;

AuthenticationConfig test_config() {
  AuthenticationConfig config;
  config.authserv_id = "mx.example.net";
  config.dns_budget = std::chrono::milliseconds(2000);
  return config;
}

Envelope client(std::string ip, std::string sender) {
  Envelope envelope;
  envelope.client_address = std::move(ip);
  envelope.client_helo = "mail.example.com";
  envelope.sender = std::move(sender);
  return envelope;
}

const std::string kForged =
    "Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=ceo@example.com\n"
    "From: CEO <ceo@example.com>\n"
    "Authentication-Results: other.example.org; spf=none\n"
    "authentication-results:\n mx.example.net; dkim=pass header.d=example.com\n"
    "Subject: pay now\n"
    "\n"
    "Authentication-Results: mx.example.net; in the body, not a field\n";

// ---- rename_fields

TEST(RenameFields, RenamesOnlyTheNamedFieldsAndKeepsEveryOtherByte) {
  auto message = parse(kForged);
  std::vector<std::size_t> forged = {0, 3};
  auto pieces = rename_fields(message.raw(), message.headers(), forged, "X-Forged-AR");
  std::string want = kForged;
  want.replace(want.find("authentication-results:"), 22, "X-Forged-AR");
  want.replace(0, 22, "X-Forged-AR");
  EXPECT_EQ(join(pieces), want);
  // Views into the message buffer, not copies: the first piece starts it.
  EXPECT_EQ(pieces.front().data(), message.raw().data());
}

TEST(RenameFields, NothingForgedIsTheMessageItself) {
  auto message = parse(kForged);
  auto pieces = rename_fields(message.raw(), message.headers(), {}, "X");
  ASSERT_EQ(pieces.size(), 1U);
  EXPECT_EQ(pieces[0], message.raw());
}

TEST(RenameFields, IndicesOutOfRangeAreIgnored) {
  auto message = parse(kForged);
  std::vector<std::size_t> forged = {99};
  EXPECT_EQ(join(rename_fields(message.raw(), message.headers(), forged, "X")), kForged);
}

// ---- the log summary: from the results, not re-parsed from the field

TEST(Summarize, EachMethodFromTheResults) {
  auth::AuthResults results;
  results.spf = auth::SpfResult{};
  results.spf->code = auth::SpfCode::pass;
  results.dkim.resize(2);
  results.dkim[0].status = auth::DkimStatus::pass;
  results.dkim[1].status = auth::DkimStatus::fail;
  results.dmarc.code = auth::DmarcCode::fail;
  // A header value that says otherwise is not what the summary reads.
  results.header_value = "mx.example.net; spf=none";
  EXPECT_EQ(auth::summarize(results), "spf=pass dkim=pass,fail dmarc=fail arc=none");
  results.spf.reset();
  results.dkim.clear();
  EXPECT_EQ(auth::summarize(results), "dkim=none dmarc=fail arc=none");
}

// ---- parse_received

TEST(ParseReceived, PostfixField) {
  auto r = parse_received(
      "from mail.example.com (mail.example.com [192.0.2.10])\n"
      "\tby mx.example.net (Postfix) with ESMTPS id 4F2A; Sat, 28 Nov 2026 20:00:00 +0000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->helo, "mail.example.com");
  EXPECT_EQ(r->ip, "192.0.2.10");
  EXPECT_EQ(r->by, "mx.example.net");
}

TEST(ParseReceived, EximFieldWithHeloAndIpv6) {
  auto r = parse_received(
      "from host.example.org ([IPv6:2001:db8::7] helo=smtp.example.org)\n"
      " by mx.example.net with esmtp (Exim 4.96) id 1abc; Sat, 28 Nov 2026 20:00:00 +0000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->helo, "smtp.example.org");
  EXPECT_EQ(r->ip, "2001:db8::7");
}

TEST(ParseReceived, UnknownClientAndBareAddress) {
  auto r = parse_received("from [198.51.100.3] by mx.example.net; Sat, 28 Nov 2026");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ip, "198.51.100.3");
  EXPECT_EQ(r->helo, "");
}

TEST(ParseReceived, RefusesFieldsWithoutFromOrBy) {
  EXPECT_FALSE(parse_received("by mx.example.net; Sat, 28 Nov 2026"));
  EXPECT_FALSE(parse_received("from a.example.com (comment by b)"));
  EXPECT_FALSE(parse_received(""));
}

TEST(AuthInput, TopmostReceivedByATrustedMtaFillsAMissingClient) {
  auto message = parse(
      "Received: from relay.example.org (relay [198.51.100.1]) by mx2.example.net; Sat\n"
      "Received: from evil (evil [203.0.113.66]) by mx.example.net; Sat, 28 Nov 2026\n"
      "From: a@example.org\n\nbody\n");
  auto config = test_config();
  config.authserv_id.clear();
  config.trusted_mta = "mx1.example.net, MX2.example.net";
  auto input = auth_input_from(Envelope{}, message, config);
  EXPECT_EQ(input.client_ip, "198.51.100.1");
  EXPECT_EQ(input.helo, "relay.example.org");
  // The MTA's own word wins over any Received field.
  auto told = auth_input_from(client("192.0.2.9", "a@example.org"), message, config);
  EXPECT_EQ(told.client_ip, "192.0.2.9");
  // Neither this host nor trusted: no Received field is believed.
  config.trusted_mta.clear();
  EXPECT_EQ(auth_input_from(Envelope{}, message, config).client_ip, "");
}

// With authentication off nobody reads the client: no Received: field is
// parsed and /etc/hosts (for this host's FQDN) is not read, per message
// in `mailroom lmtp` (perf trace).
TEST(AuthInput, AuthenticationOffLooksForNoClient) {
  auto message = parse(
      "Received: from relay.example.org (relay [198.51.100.1]) by mx2.example.net; Sat\n"
      "From: a@example.org\n\nbody\n");
  auto config = test_config();
  config.trusted_mta = "mx2.example.net";
  ASSERT_EQ(auth_input_from(Envelope{}, message, config).client_ip, "198.51.100.1");
  config.enabled = false;
  EXPECT_EQ(auth_input_from(Envelope{}, message, config).client_ip, "");
}

// Never a field below the topmost: the sender can write any Received: it
// likes under the one our MTA adds.
TEST(AuthInput, AFieldBelowTheTopmostIsNeverBelieved) {
  auto message = parse(
      "Received: from relay.example.org (relay [198.51.100.1]) by other.example.com; Sat\n"
      "Received: from evil (evil [203.0.113.66]) by mx.example.net; Sat, 28 Nov 2026\n"
      "From: a@example.org\n\nbody\n");
  auto config = test_config();
  config.trusted_mta = "mx.example.net";
  EXPECT_EQ(auth_input_from(Envelope{}, message, config).client_ip, "");
}

// The default setup (Postfix mailbox_command, no trusted_mta): the topmost
// field by this host's name, its FQDN or auth.authserv_id.
TEST(AuthInput, TopmostReceivedByThisHost) {
  std::string by_us = "Received: from client.example.com (c [127.0.0.2])\n\tby " + host_name() +
                      " (Postfix) with ESMTP id 4AB; Sat, 28 Nov 2026\n";
  auto message = parse(by_us + "From: a@example.org\n\nbody\n");
  auto config = test_config();
  config.authserv_id.clear();
  auto input = auth_input_from(Envelope{}, message, config);
  EXPECT_EQ(input.client_ip, "127.0.0.2");
  EXPECT_EQ(input.helo, "client.example.com");
  // auth.authserv_id names this host too.
  auto other = parse(
      "Received: from c.example.com ([192.0.2.5]) by mx.example.net; Sat\n"
      "From: a@example.org\n\nbody\n");
  EXPECT_EQ(auth_input_from(Envelope{}, other, config).client_ip, "");
  config.authserv_id = "MX.example.net";
  EXPECT_EQ(auth_input_from(Envelope{}, other, config).client_ip, "192.0.2.5");
  EXPECT_EQ(auth_input_from(Envelope{}, other, config).helo, "c.example.com");
}

TEST(ReceivedByNames, HostNameFqdnFromHostsFileAuthservIdAndTrustedMta) {
  std::string hosts = mailroom::test::removed_at_exit(::testing::TempDir() + "/mailroom-hosts");
  {
    std::ofstream out(hosts);
    out << "# comment " << host_name() << "\n127.0.0.1 localhost\n"
        << "192.0.2.1 mail.example.com " << host_name() << " # ours\n";
  }
  AuthenticationConfig config;
  config.authserv_id = "id.example.net";
  config.trusted_mta = "a.example.net,b.example.net  c.example.net";
  auto names = received_by_names(config, hosts);
  std::vector<std::string> want{host_name(),     "mail.example.com", "id.example.net",
                                "a.example.net", "b.example.net",    "c.example.net"};
  EXPECT_EQ(names, want);
  EXPECT_EQ(received_by_names(AuthenticationConfig{}, "/nonexistent").size(), 1U);
}

// ---- the stage

void load_example(dns::StaticResolver& zone) {
  ASSERT_TRUE(
      zone.load("example.com TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
                "_dmarc.example.com TXT \"v=DMARC1; p=reject\"\n"));
}

TEST(AuthenticateStage, AddsOneFieldAndRenamesForgedOnes) {
  dns::StaticResolver zone;
  load_example(zone);
  auto message = parse(kForged);
  auto stage =
      authenticate_stage(message, client("192.0.2.1", "ceo@example.com"), test_config(), zone);
  EXPECT_EQ(stage.added_header.rfind("Authentication-Results: mx.example.net;", 0), 0U)
      << stage.added_header;
  EXPECT_NE(stage.added_header.find("spf=pass"), std::string::npos) << stage.added_header;
  EXPECT_EQ(stage.added_header.back(), '\n');
  std::string stored = join(stage.message_pieces);
  EXPECT_EQ(stored.rfind("X-Forged-Authentication-Results: mx.example.net; spf=pass", 0), 0U)
      << stored;
  EXPECT_NE(stored.find("X-Forged-Authentication-Results:\n mx.example.net; dkim=pass"),
            std::string::npos);
  EXPECT_NE(stored.find("\nAuthentication-Results: other.example.org; spf=none\n"),
            std::string::npos);
  EXPECT_NE(stored.find("\nAuthentication-Results: mx.example.net; in the body"),
            std::string::npos);
  EXPECT_EQ(stored.size(), kForged.size() + 2 * (31 - 22));
  EXPECT_NE(stage.summary.find("spf=pass"), std::string::npos);
  EXPECT_GT(zone.queries(), 0U);
}

// A signature whose key is missing: `deliver` renders the same results
// without hashing the body (nothing there reads body_hash_matches), `auth
// check` hashes it for its explanation.
TEST(AuthenticateStage, DeliverHashesNoBodyForASignatureWithoutKey) {
  dns::StaticResolver zone;
  load_example(zone);
  auto message = parse(
      "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=gone;\n"
      " h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==\n"
      "From: ceo@example.com\nSubject: x\n\nbody\n");
  const Envelope envelope = client("192.0.2.1", "ceo@example.com");
  auto deliver = authenticate_stage(message, envelope, test_config(), zone, AuthPurpose::deliver);
  auto explain = authenticate_stage(message, envelope, test_config(), zone, AuthPurpose::explain);
  ASSERT_EQ(deliver.results.dkim.size(), 1U);
  ASSERT_EQ(explain.results.dkim.size(), 1U);
  EXPECT_EQ(deliver.results.dkim[0].status, auth::DkimStatus::permerror);
  EXPECT_FALSE(deliver.results.dkim[0].body_hash_matches.has_value());
  ASSERT_TRUE(explain.results.dkim[0].body_hash_matches.has_value());
  EXPECT_FALSE(*explain.results.dkim[0].body_hash_matches);  // bh= is the empty body's
  EXPECT_EQ(deliver.added_header, explain.added_header);
  EXPECT_EQ(deliver.summary, explain.summary);
}

TEST(AuthenticateStage, SpfFailNamesTheDmarcPolicy) {
  dns::StaticResolver zone;
  load_example(zone);
  auto message = parse("From: ceo@example.com\nSubject: x\n\nbody\n");
  auto stage =
      authenticate_stage(message, client("203.0.113.5", "ceo@example.com"), test_config(), zone);
  EXPECT_NE(stage.added_header.find("spf=fail"), std::string::npos) << stage.added_header;
  EXPECT_NE(stage.added_header.find("dmarc=fail"), std::string::npos) << stage.added_header;
  EXPECT_NE(stage.summary.find("dmarc=fail"), std::string::npos);
}

TEST(AuthenticateStage, OffMakesNoQueryAddsNothingButStillRenamesForgedFields) {
  dns::StaticResolver zone;
  load_example(zone);
  auto message = parse(kForged);
  auto config = test_config();
  config.enabled = false;
  auto stage = authenticate_stage(message, client("192.0.2.1", "ceo@example.com"), config, zone);
  EXPECT_EQ(zone.queries(), 0U);
  EXPECT_EQ(stage.added_header, "");
  EXPECT_EQ(stage.summary, "off");
  EXPECT_EQ(join(stage.message_pieces).rfind("X-Forged-Authentication-Results:", 0), 0U);
}

TEST(AuthenticateStage, TrustedUpstreamMakesNoQuery) {
  dns::StaticResolver zone;
  load_example(zone);
  auto message = parse(
      "Authentication-Results: mx1.example.net; spf=pass smtp.mailfrom=a@example.com;\n"
      " dmarc=pass header.from=example.com\n"
      "From: a@example.com\n\nbody\n");
  auto config = test_config();
  config.trusted_authserv_ids = {"mx1.example.net"};
  auto stage = authenticate_stage(message, client("203.0.113.5", "a@example.com"), config, zone);
  EXPECT_EQ(zone.queries(), 0U);
  EXPECT_TRUE(stage.results.from_trusted_upstream);
  EXPECT_NE(stage.summary.find("spf=pass"), std::string::npos) << stage.summary;
}

TEST(AuthenticateStage, DnsTimeoutIsTemperrorNotAFailure) {
  dns::StaticResolver zone;
  zone.add_timeout("example.com");
  zone.add_timeout("_dmarc.example.com");
  auto message = parse("From: a@example.com\n\nbody\n");
  auto stage =
      authenticate_stage(message, client("192.0.2.1", "a@example.com"), test_config(), zone);
  EXPECT_NE(stage.added_header.find("spf=temperror"), std::string::npos) << stage.added_header;
  EXPECT_EQ(join(stage.message_pieces), message.raw());
}

// ---- the delivery's resolver

TEST(DeliveryResolver, MadeLazily) {
  DeliveryResolver resolver(resolver_options(test_config()));
  EXPECT_FALSE(resolver.used());
}

// ---- [auth] configuration

TEST(AuthConfig, KeysParseAndDefaultsHold) {
  auto defaults = load_config("/nonexistent/mailroom.toml", false, {});
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->auth.enabled);
  EXPECT_EQ(defaults->auth.dns_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(defaults->auth.dns_budget, std::chrono::milliseconds(8000));
  auto config = load_config("/nonexistent/mailroom.toml", false,
                            {"auth.dns_timeout=500ms", "auth.dns_budget=3s",
                             "auth.trusted_authserv_ids=mx1.example.net, mx2.example.net",
                             "auth.dns_server=127.0.0.1:5353", "auth.enabled=false"});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->auth.dns_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(config->auth.dns_budget, std::chrono::milliseconds(3000));
  EXPECT_EQ(config->auth.trusted_authserv_ids,
            (std::vector<std::string>{"mx1.example.net", "mx2.example.net"}));
  EXPECT_FALSE(config->auth.enabled);
  EXPECT_EQ(resolver_options(config->auth).servers, "127.0.0.1:5353");
  EXPECT_EQ(resolver_options(config->auth, "[::1]:53").servers, "[::1]:53");
  auto text = render_config(*config);
  EXPECT_NE(text.find("dns_timeout = \"500ms\""), std::string::npos) << text;
  EXPECT_NE(text.find("trusted_authserv_ids = [\"mx1.example.net\", \"mx2.example.net\"]"),
            std::string::npos)
      << text;
  EXPECT_FALSE(load_config("/nonexistent", false, {"auth.dns_timeout=soon"}));
  EXPECT_FALSE(load_config("/nonexistent", false, {"auth.trusted_authserv_ids=[1, 2]"}));
}

// One place turns an empty authserv_id into the host name: authenticate().
TEST(AuthConfig, EmptyAuthservIdIsTheHostName) {
  AuthenticationConfig config;
  EXPECT_TRUE(auth_config_from(config).authserv_id.empty());
  auto message = parse("From: a@example.com\n\nbody\n");
  dns::StaticResolver zone;
  auto stage = authenticate_stage(message, Envelope{}, config, zone);
  EXPECT_FALSE(stage.results.authserv_id.empty());
  EXPECT_TRUE(
      stage.added_header.starts_with("Authentication-Results: " + stage.results.authserv_id))
      << stage.added_header;
  config.authserv_id = "mx.example.net";
  EXPECT_EQ(auth_config_from(config).authserv_id, "mx.example.net");
}

}  // namespace
}  // namespace mailroom::deliver
