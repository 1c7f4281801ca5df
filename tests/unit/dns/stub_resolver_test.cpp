// StubResolver against a responder on 127.0.0.1 (fake_dns_server.hpp).
#include "mailroom/dns/stub_resolver.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "fake_dns_server.hpp"
#include "unit/skip_or_fail.hpp"

namespace mailroom::dns {
namespace {

using std::chrono::milliseconds;
using testing::FakeDnsServer;

class StubResolverTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.ok()) << "cannot bind 127.0.0.1"; }
  StubResolver make(milliseconds timeout = milliseconds(2000)) {
    return StubResolver(StubOptions{.servers = server_.address(), .query_timeout = timeout});
  }
  FakeDnsServer server_;
};

// Binds `fd` to a free UDP port of 127.0.0.1; returns "127.0.0.1:<port>".
std::string bind_loopback(int fd) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

// A UDP port that nothing listens on any more: the kernel refuses.
std::string closed_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  std::string address = bind_loopback(fd);
  ::close(fd);
  return address;
}

// A UDP port held open that never answers.
class SilentServer {
 public:
  SilentServer() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)), address_(bind_loopback(fd_)) {}
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  [[nodiscard]] const std::string& address() const { return address_; }

 private:
  int fd_;
  std::string address_;
};

TEST_F(StubResolverTest, ConstructingTouchesNothing) {
  StubResolver resolver = make();
  EXPECT_FALSE(resolver.initialised());
  EXPECT_EQ(server_.udp_queries(), 0);
}

TEST_F(StubResolverTest, AnswersA) {
  StubResolver resolver = make();
  auto answer =
      resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(resolver.initialised());
  EXPECT_EQ(answer->kind, AnswerKind::records);
  ASSERT_EQ(answer->addresses.size(), 2U);
  EXPECT_EQ(answer->addresses[0].to_string(), "192.0.2.1");
  EXPECT_EQ(answer->addresses[1].to_string(), "192.0.2.2");
}

TEST_F(StubResolverTest, AnswersAaaaTxtMxPtr) {
  StubResolver resolver = make();
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

TEST_F(StubResolverTest, NxdomainAndNodataAreAnswers) {
  StubResolver resolver = make();
  auto nx = resolver.query("nx.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(nx) << nx.error().message;
  EXPECT_EQ(nx->kind, AnswerKind::nxdomain);
  auto nodata =
      resolver.query("other.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(nodata) << nodata.error().message;
  EXPECT_EQ(nodata->kind, AnswerKind::nodata);
  EXPECT_TRUE(nodata->addresses.empty());
}

TEST_F(StubResolverTest, ServfailIsTemporary) {
  StubResolver resolver = make();
  auto r =
      resolver.query("servfail.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_NE(r.error().message.find("SERVFAIL"), std::string::npos) << r.error().message;
}

TEST_F(StubResolverTest, TimeoutIsTemporaryAndKeepsTheMessageBudget) {
  StubResolver resolver = make(milliseconds(5000));
  const auto start = std::chrono::steady_clock::now();
  auto r = resolver.query("slow.example.test", RecordType::txt, Deadline::after(milliseconds(300)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_GE(took, milliseconds(290));
  EXPECT_LT(took, milliseconds(700)) << "the message's deadline was overrun";
}

TEST_F(StubResolverTest, PerQueryTimeoutAppliesUnderALongBudget) {
  StubResolver resolver = make(milliseconds(250));
  const auto start = std::chrono::steady_clock::now();
  auto r = resolver.query("slow.example.test", RecordType::a, Deadline::after(milliseconds(5000)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_LT(took, milliseconds(700));
}

TEST_F(StubResolverTest, SpentDeadlineDoesNotQuery) {
  StubResolver resolver = make();
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(0)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_EQ(server_.udp_queries(), 0);
}

// Issue 12: an answer that has arrived is used even when the time is up;
// only new questions and waiting are refused.
TEST_F(StubResolverTest, AnswerWaitingInTheSocketIsTakenAfterTheDeadline) {
  StubResolver resolver = make();
  resolver.send_ahead("www.example.test", RecordType::a);
  std::this_thread::sleep_for(milliseconds(200));  // the answer lands, nobody reads it yet
  auto a = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(0)));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->addresses.size(), 2U);
  // A question not sent ahead is still refused without a query.
  auto other = resolver.query("nx.example.test", RecordType::a, Deadline::after(milliseconds(0)));
  ASSERT_FALSE(other);
  EXPECT_EQ(server_.udp_queries(), 1);
}

TEST_F(StubResolverTest, TruncatedAnswerIsRetriedOverTcp) {
  StubResolver resolver = make();
  auto r = resolver.query("big.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->texts.size(), 12U);
  EXPECT_EQ(r->texts[11], std::string(200, 'l'));
  EXPECT_GE(server_.udp_queries(), 1);
  EXPECT_GE(server_.tcp_queries(), 1);
}

TEST_F(StubResolverTest, SentAheadIsAskedOnceAndAnsweredToTheQuery) {
  StubResolver resolver = make();
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

TEST_F(StubResolverTest, AnswerReadWhileWaitingIsTakenAfterTheDeadline) {
  StubResolver resolver = make(milliseconds(5000));
  resolver.send_ahead("www.example.test", RecordType::txt);
  // Waiting for the silent name reads the answer sent ahead on the way;
  // the query that follows takes it although its deadline is spent.
  auto slow =
      resolver.query("slow.example.test", RecordType::txt, Deadline::after(milliseconds(200)));
  ASSERT_FALSE(slow);
  auto txt = resolver.query("www.example.test", RecordType::txt, Deadline::after(milliseconds(0)));
  ASSERT_TRUE(txt) << txt.error().message;
  EXPECT_EQ(txt->texts.size(), 2U);
  EXPECT_EQ(server_.udp_queries(), 2);  // www and slow once each: nothing asked again
}

TEST_F(StubResolverTest, InvalidOrTooManyQuestionsAreNotSentAhead) {
  StubResolver resolver = make();
  resolver.send_ahead("a..example.test", RecordType::txt);
  resolver.send_ahead("x.example.test", RecordType::cname);
  EXPECT_EQ(resolver.sent_ahead(), 0U);
  for (std::size_t i = 0; i < StubResolver::kMaxAhead + 5; ++i)
    resolver.send_ahead("n" + std::to_string(i) + ".example.test", RecordType::txt);
  EXPECT_EQ(resolver.sent_ahead(), StubResolver::kMaxAhead);
}

TEST_F(StubResolverTest, InvalidNameIsRefusedLocally) {
  StubResolver resolver = make();
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
TEST_F(StubResolverTest, WorkWhileWaitingRunsOnceWhenAQueryWaits) {
  StubResolver resolver = make(milliseconds(5000));
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
TEST_F(StubResolverTest, WorkWhileWaitingIsDroppedWhenTheAnswerIsIn) {
  StubResolver resolver = make();
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
TEST(StubResolverRefused, WorkWhileWaitingIsDroppedWhenDnsFailsAtOnce) {
  StubResolver resolver(StubOptions{.servers = closed_port()});
  int runs = 0;
  resolver.while_waiting([&] { ++runs; });
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_EQ(runs, 0);
}

// Attempts of 200 ms; the server answers the first one at 300 ms and
// ignores the rest: the answer to the earlier attempt is taken.
TEST_F(StubResolverTest, ALateAnswerToAnEarlierAttemptCounts) {
  StubResolver resolver(
      StubOptions{.servers = server_.address(), .query_timeout = milliseconds(800), .tries = 4});
  auto r = resolver.query("late.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->addresses.size(), 1U);
  EXPECT_EQ(r->addresses[0].to_string(), "192.0.2.7");
  EXPECT_GE(server_.udp_queries(), 2);  // it had asked again meanwhile
}

TEST_F(StubResolverTest, QuestionsCarryEdns) {
  StubResolver resolver = make();
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(server_.edns_queries(), 1);
}

// RFC 6891 §7: FORMERR to a question with EDNS means "ask without it".
TEST_F(StubResolverTest, FormerrToEdnsIsAskedAgainWithout) {
  StubResolver resolver = make();
  auto r =
      resolver.query("noedns.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->addresses.size(), 1U);
  EXPECT_EQ(r->addresses[0].to_string(), "192.0.2.9");
  EXPECT_EQ(server_.udp_queries(), 2);
  EXPECT_EQ(server_.edns_queries(), 1);
}

TEST_F(StubResolverTest, ARefusingServerPassesTheQuestionToTheNext) {
  StubResolver resolver(StubOptions{.servers = closed_port() + "," + server_.address()});
  const auto start = std::chrono::steady_clock::now();
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->addresses.size(), 2U);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500)) << "waited on a refusal";
}

// tries x servers attempts share the query's time: a silent first server
// costs half of it, then the second answers.
TEST_F(StubResolverTest, ASilentServerTimesOutToTheNext) {
  SilentServer silent;
  StubResolver resolver(StubOptions{.servers = silent.address() + ", " + server_.address(),
                                    .query_timeout = milliseconds(800),
                                    .tries = 1});
  const auto start = std::chrono::steady_clock::now();
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_GE(took, milliseconds(390));
  EXPECT_LT(took, milliseconds(800));
}

TEST(StubResolverRefused, EveryServerRefusingIsATemporaryErrorAtOnce) {
  StubResolver resolver(StubOptions{.servers = closed_port() + "," + closed_port()});
  const auto start = std::chrono::steady_clock::now();
  auto r = resolver.query("www.example.test", RecordType::txt, Deadline::after(milliseconds(3000)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::temporary);
  EXPECT_NE(r.error().message.find("DNS TXT www.example.test"), std::string::npos)
      << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
}

// resolv.conf has no ports: the server must be on 53, so this needs root
// (the suite runs as root in CI). A 127.x address of its own keeps it clear
// of any resolver the machine runs.
TEST(StubResolverConfig, ServersComeFromResolvConfWhenNoneIsGiven) {
  if (::geteuid() != 0) MAILROOM_SKIP_OR_FAIL() << "binding port 53 needs root";
  const std::string ip = "127.83." + std::to_string(::getpid() % 250) + ".53";
  FakeDnsServer server(ip, 53);
  if (!server.ok()) MAILROOM_SKIP_OR_FAIL() << "cannot bind " << ip << ":53";
  const std::string path = ::testing::TempDir() + "/mr-resolv-" + std::to_string(::getpid());
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(("# test\nsearch example.test\nnameserver " + ip + "\n").c_str(), f);
  std::fclose(f);
  StubResolver resolver(StubOptions{.resolv_conf = path});
  EXPECT_FALSE(resolver.initialised());
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(3000)));
  ::unlink(path.c_str());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->addresses.size(), 2U);
  EXPECT_EQ(server.udp_queries(), 1);
}

TEST(StubResolverConfig, BadServerIsAConfigError) {
  StubResolver resolver(StubOptions{.servers = "not an address"});
  auto r = resolver.query("www.example.test", RecordType::a, Deadline::after(milliseconds(500)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::config);
}

}  // namespace
}  // namespace mailroom::dns
