// SRS forward and reverse: values computed by Mail::SRS 0.31 (the
// reference implementation by the SRS paper's author), round trips through
// SRS0 and SRS1, tampering, expiry, case folding, secret rotation; and
// Mail::SRS itself, run here, reversing what we write and the other way.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "mailroom/srs/srs.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::srs {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kJ2 = 1796601600;  // 2026-12-07 00:00 UTC, day stamp "J2"

Options make(std::string domain, std::vector<std::string> secrets, std::int64_t at = kJ2) {
  Options o;
  o.secrets = std::move(secrets);
  o.domain = std::move(domain);
  o.clock = [at] { return at; };
  return o;
}

// Mail::SRS->new(Secret => ['mailroom-test-secret'])->timestamp_create(T)
// and ->hash_create('KL', 'Example.COM', 'Alice').
TEST(SrsPrimitives, MatchMailSrs) {
  EXPECT_EQ(timestamp(0), "AA");
  EXPECT_EQ(timestamp(1023 * kDay), "77");
  EXPECT_EQ(timestamp(1700000000), "G3");
  EXPECT_EQ(timestamp(kJ2), "J2");
  EXPECT_EQ(timestamp(kJ2 + 1024 * kDay), "J2");  // the stamp wraps every 1024 days
  EXPECT_EQ(hash("mailroom-test-secret", {"KL", "Example.COM", "Alice"}, 4), "wb9F");
  EXPECT_EQ(hash("mailroom-test-secret", {"kl", "example.com", "alice"}, 4), "wb9F");
  EXPECT_EQ(hash("mailroom-test-secret", {"KLexample.comalice"}, 4), "wb9F");  // one HMAC
  EXPECT_EQ(hash("mailroom-test-secret", {"KL", "example.com", "alice"}, 6).substr(0, 4), "wb9F");
}

// Mail::SRS::Guarded forward of alice@example.com via fwd.example.net on
// day J2 (secret mailroom-test-secret), then via second.example.org
// (secret "other").
TEST(SrsForward, MatchesMailSrsGuarded) {
  auto first = forward(make("fwd.example.net", {"mailroom-test-secret"}), "alice@example.com");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, "SRS0=6Mtl=J2=example.com=alice@fwd.example.net");
  auto second = forward(make("second.example.org", {"other"}), *first);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(*second, "SRS1=JinH=fwd.example.net==6Mtl=J2=example.com=alice@second.example.org");
  auto back = reverse(make("second.example.org", {"other"}), *second);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, *first);
}

TEST(SrsForward, LeavesTheNullSenderAndOurOwnDomainAlone) {
  auto o = make("fwd.example.net", {"s"});
  EXPECT_EQ(forward(o, "").value(), "");
  EXPECT_EQ(forward(o, "bob@FWD.example.net").value(), "bob@FWD.example.net");
  EXPECT_EQ(forward(o, "SRS0=abcd=J2=x.example=y@fwd.example.net").value(),
            "SRS0=abcd=J2=x.example=y@fwd.example.net");
  EXPECT_FALSE(forward(o, "no-at-sign"));
  EXPECT_EQ(forward(make("fwd.example.net", {}), "a@b.example").error().kind, ErrorKind::config);
  EXPECT_EQ(forward(make("", {"s"}), "a@b.example").error().kind, ErrorKind::config);
}

TEST(SrsRoundTrip, Srs0AndSrs1ComeBack) {
  auto o = make("fwd.example.net", {"s3cret"});
  for (std::string sender : {"alice@example.com", "a=b+c@example.com", "x-y@sub.example.org",
                             "\"odd@local\"@example.com"}) {
    auto srs = forward(o, sender);
    ASSERT_TRUE(srs) << sender;
    EXPECT_TRUE(is_srs_address(*srs));
    auto back = reverse(o, *srs);
    ASSERT_TRUE(back) << *srs << ": " << back.error().message;
    EXPECT_EQ(*back, sender);
  }
  // Another forwarder's SRS0 through us: SRS1, and the bounce goes to it.
  std::string theirs = "SRS0+xyzw=AB=orig.example=bob@first.example";
  auto srs1 = forward(o, theirs);
  ASSERT_TRUE(srs1);
  EXPECT_EQ(srs1->rfind("SRS1=", 0), 0U);
  EXPECT_NE(srs1->find("=first.example=+xyzw=AB=orig.example=bob@fwd.example.net"),
            std::string::npos)
      << *srs1;
  EXPECT_EQ(reverse(o, *srs1).value(), theirs);
  // An SRS1 of someone else is re-hashed under our secret, keeping the
  // first forwarder: still one hop back.
  auto again = forward(make("third.example", {"t"}), *srs1);
  ASSERT_TRUE(again);
  EXPECT_EQ(reverse(make("third.example", {"t"}), *again).value(), theirs);
}

TEST(SrsReverse, RefusesTamperingAndForeignSecrets) {
  auto o = make("fwd.example.net", {"s3cret"});
  std::string srs = forward(o, "alice@example.com").value();
  auto tampered = srs;
  tampered.replace(tampered.find("alice"), 5, "mallo");
  EXPECT_EQ(reverse(o, tampered).error().kind, ErrorKind::rejected);
  auto other_domain = srs;
  other_domain.replace(other_domain.find("example.com"), 11, "example.org");
  EXPECT_EQ(reverse(o, other_domain).error().kind, ErrorKind::rejected);
  auto other_stamp = srs;
  other_stamp.replace(other_stamp.find("=J2="), 4, "=J1=");
  EXPECT_EQ(reverse(o, other_stamp).error().kind, ErrorKind::rejected);
  EXPECT_EQ(reverse(make("fwd.example.net", {"guess"}), srs).error().kind, ErrorKind::rejected);
  auto short_hash = "SRS0=" + srs.substr(6);  // one hash character fewer
  EXPECT_EQ(reverse(o, short_hash).error().kind, ErrorKind::rejected);
  EXPECT_EQ(reverse(o, "SRS0=abcd@fwd.example.net").error().kind, ErrorKind::rejected);
  EXPECT_EQ(reverse(o, "SRS1=abcd=host@fwd.example.net").error().kind, ErrorKind::rejected);
  EXPECT_EQ(reverse(o, "alice@fwd.example.net").error().kind, ErrorKind::parse);
}

TEST(SrsReverse, ExpiresAfterMaxAgeAndRefusesTheFuture) {
  auto o = make("fwd.example.net", {"s3cret"});
  std::string srs = forward(o, "alice@example.com").value();
  auto later = [&](std::int64_t days) {
    return make("fwd.example.net", {"s3cret"}, kJ2 + days * kDay);
  };
  EXPECT_TRUE(reverse(later(0), srs));
  EXPECT_TRUE(reverse(later(21), srs));
  auto expired = reverse(later(22), srs);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, ErrorKind::rejected);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_FALSE(reverse(later(-1), srs));  // a stamp of tomorrow
  auto longer = later(30);
  longer.max_age_days = 30;
  EXPECT_TRUE(reverse(longer, srs));
  EXPECT_FALSE(reverse(later(1024 + 22), srs));  // the cycle, 22 days on
}

TEST(SrsReverse, IgnoresCaseSmashing) {
  auto o = make("fwd.example.net", {"s3cret"});
  std::string srs = forward(o, "Alice@Example.COM").value();
  std::string lower = srs, upper = srs;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(reverse(o, lower).value(), "alice@example.com");
  EXPECT_EQ(reverse(o, upper).value(), "ALICE@EXAMPLE.COM");
  EXPECT_TRUE(is_srs_address("srs0-abcd=AB=x=y@z"));
  EXPECT_FALSE(is_srs_address("srs2=abcd@z"));
  EXPECT_FALSE(is_srs_address("SRS0@z"));
}

TEST(SrsSecrets, TheFirstSignsEveryOneVerifies) {
  std::string old_address = forward(make("fwd.example.net", {"old"}), "a@example.com").value();
  auto rotated = make("fwd.example.net", {"new", "old"});
  EXPECT_EQ(reverse(rotated, old_address).value(), "a@example.com");
  std::string new_address = forward(rotated, "a@example.com").value();
  EXPECT_NE(new_address, old_address);
  EXPECT_TRUE(reverse(make("fwd.example.net", {"new"}), new_address));
  EXPECT_FALSE(reverse(make("fwd.example.net", {"old"}), new_address));
}

std::vector<std::string> run_oracle(const std::string& input) {
  auto dir = std::filesystem::temp_directory_path() / ("srs_oracle_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "in") << input;
  std::string cmd = "/usr/bin/perl " MAILROOM_MAIL_SRS_ORACLE " <" + (dir / "in").string() + " >" +
                    (dir / "out").string();
  std::vector<std::string> lines;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream out(dir / "out");
    for (std::string line; std::getline(out, line);) lines.push_back(line);
  }
  std::filesystem::remove_all(dir);
  return lines;
}

// Today's clock on both sides: Mail::SRS has no injectable clock.
TEST(SrsOracle, MailSrsReversesOursAndWeReverseMailSrs) {
  if (std::system("/usr/bin/perl -MMail::SRS -e 1 2>/dev/null") != 0) {
    MAILROOM_SKIP_OR_FAIL() << "Mail::SRS is not installed (scripts/deps/test-srs.txt)";
  }
  Options ours;
  ours.secrets = {"oracle-secret"};
  ours.domain = "fwd.example.net";
  const std::vector<std::string> senders = {"alice@example.com", "Bob.Smith@Example.ORG",
                                            "a=b@x.example", "SRS0=abcd=AB=o.example=u@f.example",
                                            "SRS1=wxyz=f.example==abcd=AB=o.example=u@g.example"};
  std::string input;
  std::vector<std::string> ours_forward;
  for (const auto& s : senders) {
    ours_forward.push_back(forward(ours, s).value());
    input += "reverse oracle-secret " + ours_forward.back() + "\n";
    input += "forward oracle-secret " + s + " fwd.example.net\n";
  }
  auto lines = run_oracle(input);
  ASSERT_EQ(lines.size(), senders.size() * 2) << "perl " MAILROOM_MAIL_SRS_ORACLE " failed";
  for (std::size_t i = 0; i < senders.size(); ++i) {
    SCOPED_TRACE(senders[i]);
    const auto& theirs_reversed = lines[2 * i];
    const auto& theirs_forward = lines[2 * i + 1];
    EXPECT_EQ(theirs_forward, ours_forward[i]);  // same day, same secret: same address
    EXPECT_EQ(reverse(ours, theirs_forward).value_or("refused"),
              reverse(ours, ours_forward[i]).value_or("refused"));
    if (theirs_reversed.rfind("error", 0) != 0) {
      EXPECT_EQ(theirs_reversed, reverse(ours, ours_forward[i]).value_or("refused"));
    } else {
      ADD_FAILURE() << "Mail::SRS refused " << ours_forward[i] << ": " << theirs_reversed;
    }
  }
}

}  // namespace
}  // namespace mailroom::srs
