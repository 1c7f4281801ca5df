// CaresResolver against a responder on 127.0.0.1 (fake_dns_server.hpp).
#include "mailroom/dns/cares_resolver.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "fake_dns_server.hpp"

namespace mailroom::dns {
namespace {

using std::chrono::milliseconds;
using testing::FakeDnsServer;

class CaresResolverTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ok()) << "cannot bind 127.0.0.1"; }
  CaresResolver make(milliseconds timeout = milliseconds(2000)) {
    return CaresResolver(CaresOptions{.servers = server_.address(), .query_timeout = timeout});
  }
  FakeDnsServer server_;
};

TEST_F(CaresResolverTest, ConstructingTouchesNothing) {
  CaresResolver resolver = make();
  EXPECT_FALSE(resolver.initialised());
  EXPECT_EQ(server_.udp_queries(), 0);
}

TEST_F(CaresResolverTest, AnswersA) {
  CaresResolver resolver = make();
  auto answer =
      resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(resolver.initialised());
  EXPECT_EQ(answer->kind, AnswerKind::records);
  ASSERT_EQ(answer->addresses.size(), 2U);
  EXPECT_EQ(answer->addresses[0].to_string(), "192.0.2.1");
  EXPECT_EQ(answer->addresses[1].to_string(), "192.0.2.2");
}

TEST_F(CaresResolverTest, AnswersAaaaTxtMxPtr) {
  CaresResolver resolver = make();
  const auto deadline = Deadline::after(milliseconds(5000));
  auto aaaa = resolver.query("www.example.test.", RecordType::aaaa, deadline);
  ASSERT_TRUE(aaaa) << aaaa.error().message;
  ASSERT_EQ(aaaa->addresses.size(), 1U);
  EXPECT_EQ(aaaa->addresses[0].to_string(), "2001:db8::1");

  auto txt = resolver.query("WWW.example.test", RecordType::txt, deadline);
  ASSERT_TRUE(txt) << txt.error().message;
  // The character-strings of one record are joined without a separator.
  EXPECT_EQ(txt->texts, (std::vector<std::string>{"v=spf1 -all", "hello"}));

  auto mx = resolver.query("www.example.test", RecordType::mx, deadline);
  ASSERT_TRUE(mx) << mx.error().message;
  EXPECT_EQ(mx->exchanges, (std::vector<MxRecord>{{10, "mx1.example.test"}}));

  auto ptr =
      resolver.query(IpAddress::parse("192.0.2.1")->reverse_name(), RecordType::ptr, deadline);
  ASSERT_TRUE(ptr) << ptr.error().message;
  EXPECT_EQ(ptr->names, (std::vector<std::string>{"host.example.test"}));
}

TEST_F(CaresResolverTest, NxdomainAndNodataAreAnswers) {
  CaresResolver resolver = make();
  auto nx = resolver.query("nx.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(nx) << nx.error().message;
  EXPECT_EQ(nx->kind, AnswerKind::nxdomain);
  auto nodata =
      resolver.query("other.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(nodata) << nodata.error().message;
  EXPECT_EQ(nodata->kind, AnswerKind::nodata);
  EXPECT_TRUE(nodata->addresses.empty());
}

TEST_F(CaresResolverTest, ServfailIsTemporary) {
  CaresResolver resolver = make();
  auto r =
      resolver.query("servfail.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_NE(r.error().message.find("SERVFAIL"), std::string::npos) << r.error().message;
}

TEST_F(CaresResolverTest, TimeoutIsTemporaryAndKeepsTheMessageBudget) {
  CaresResolver resolver = make(milliseconds(5000));
  const auto start = std::chrono::steady_clock::now();
  auto r = resolver.query("slow.example.test", RecordType::txt, Deadline::after(milliseconds(300)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_GE(took, milliseconds(290));
  EXPECT_LT(took, milliseconds(700)) << "the message's deadline was overrun";
}

TEST_F(CaresResolverTest, PerQueryTimeoutAppliesUnderALongBudget) {
  CaresResolver resolver = make(milliseconds(250));
  const auto start = std::chrono::steady_clock::now();
  auto r = resolver.query("slow.example.test", RecordType::a, Deadline::after(milliseconds(5000)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_LT(took, milliseconds(700));
}

TEST_F(CaresResolverTest, SpentDeadlineDoesNotQuery) {
  CaresResolver resolver = make();
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(0)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_EQ(server_.udp_queries(), 0);
}

TEST_F(CaresResolverTest, TruncatedAnswerIsRetriedOverTcp) {
  CaresResolver resolver = make();
  auto r = resolver.query("big.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->texts.size(), 12U);
  EXPECT_EQ(r->texts[11], std::string(200, 'l'));
  EXPECT_GE(server_.udp_queries(), 1);
  EXPECT_GE(server_.tcp_queries(), 1);
}

TEST_F(CaresResolverTest, SentAheadIsAskedOnceAndAnsweredToTheQuery) {
  CaresResolver resolver = make();
  resolver.send_ahead("www.example.test", RecordType::txt);
  resolver.send_ahead("WWW.example.test.", RecordType::txt);  // the same question
  resolver.send_ahead("www.example.test", RecordType::a);
  resolver.send_ahead("nx.example.test", RecordType::txt);
  EXPECT_EQ(resolver.sent_ahead(), 3U);
  const auto deadline = Deadline::after(milliseconds(3000));
  auto nx = resolver.query("nx.example.test", RecordType::txt, deadline);
  ASSERT_TRUE(nx) << nx.error().message;
  EXPECT_EQ(nx->kind, AnswerKind::nxdomain);
  auto txt = resolver.query("www.example.test", RecordType::txt, deadline);
  ASSERT_TRUE(txt) << txt.error().message;
  EXPECT_EQ(txt->texts, (std::vector<std::string>{"v=spf1 -all", "hello"}));
  auto a = resolver.query("www.example.test", RecordType::a, deadline);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->addresses.size(), 2U);
  EXPECT_EQ(resolver.sent_ahead(), 0U);
  EXPECT_EQ(server_.udp_queries(), 3);  // none asked twice
}

TEST_F(CaresResolverTest, SentAheadAndCancelledByATimeoutIsAskedAgain) {
  CaresResolver resolver = make(milliseconds(5000));
  resolver.send_ahead("www.example.test", RecordType::txt);
  // The slow query's timeout cancels everything in flight, the question
  // sent ahead included; asking it afterwards still gets the answer.
  auto slow =
      resolver.query("slow.example.test", RecordType::txt, Deadline::after(milliseconds(200)));
  ASSERT_FALSE(slow);
  auto txt =
      resolver.query("www.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(txt) << txt.error().message;
  EXPECT_EQ(txt->texts.size(), 2U);
}

TEST_F(CaresResolverTest, InvalidOrTooManyQuestionsAreNotSentAhead) {
  CaresResolver resolver = make();
  resolver.send_ahead("a..example.test", RecordType::txt);
  resolver.send_ahead("x.example.test", RecordType::cname);
  EXPECT_EQ(resolver.sent_ahead(), 0U);
  for (std::size_t i = 0; i < CaresResolver::kMaxAhead + 5; ++i)
    resolver.send_ahead("n" + std::to_string(i) + ".example.test", RecordType::txt);
  EXPECT_EQ(resolver.sent_ahead(), CaresResolver::kMaxAhead);
}

TEST_F(CaresResolverTest, InvalidNameIsRefusedLocally) {
  CaresResolver resolver = make();
  auto r = resolver.query("a..example.test", RecordType::a, Deadline::after(milliseconds(1000)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::parse);
  auto cname = resolver.query("www.example.test", RecordType::cname, Deadline::never());
  ASSERT_FALSE(cname);
  EXPECT_EQ(cname.error().kind, ErrorKind::internal);
  EXPECT_FALSE(resolver.initialised());
}

// Work handed to while_waiting runs when a query finds nothing ready and
// has to wait, and only once.
TEST_F(CaresResolverTest, WorkWhileWaitingRunsOnceWhenAQueryWaits) {
  CaresResolver resolver = make(milliseconds(5000));
  int runs = 0;
  resolver.while_waiting([&] { ++runs; });
  EXPECT_EQ(runs, 0);
  (void)resolver.query("slow.example.test", RecordType::txt, Deadline::after(milliseconds(150)));
  EXPECT_EQ(runs, 1);
  (void)resolver.query("slow.example.test", RecordType::a, Deadline::after(milliseconds(150)));
  EXPECT_EQ(runs, 1);
}

// An answer already in when the query is made: no wait, so the work is
// dropped (whoever needs it does it later).
TEST_F(CaresResolverTest, WorkWhileWaitingIsDroppedWhenTheAnswerIsIn) {
  CaresResolver resolver = make();
  resolver.send_ahead("www.example.test", RecordType::txt);
  for (int i = 0; i < 300 && server_.udp_queries() < 1; ++i)
    std::this_thread::sleep_for(milliseconds(10));
  std::this_thread::sleep_for(milliseconds(100));  // the answer reaches our socket
  int runs = 0;
  resolver.while_waiting([&] { ++runs; });
  auto txt =
      resolver.query("www.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(txt) << txt.error().message;
  EXPECT_EQ(runs, 0);
}

// A server that refuses at once (nothing listens on its port): DNS fails
// without a wait, and the work is not done for nothing.
TEST(CaresResolverRefused, WorkWhileWaitingIsDroppedWhenDnsFailsAtOnce) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);  // the port is now closed
  CaresResolver resolver(
      CaresOptions{.servers = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port))});
  int runs = 0;
  resolver.while_waiting([&] { ++runs; });
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_EQ(runs, 0);
}

TEST(CaresResolverConfig, BadServerIsAConfigError) {
  CaresResolver resolver(CaresOptions{.servers = "not an address"});
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(500)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::config);
}

}  // namespace
}  // namespace mailroom::dns
