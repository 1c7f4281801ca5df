// The Redis token store against a real redis-server started here on
// loopback (no persistence, killed by pid at the end): what two hosts see
// of each other's training, isolation of an uncommitted writer, one writer
// at a time, a writer whose lock was taken over, prefixes kept apart,
// timeouts, and the same verdicts as the memory store for the same
// training. Without redis-server the tests skip, except under scripts/test
// (skip_or_fail.hpp).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mailroom/spam/model.hpp"
#include "mailroom/spam/redis_store.hpp"
#include "spam/redis_client.hpp"
#include "unit/redis_server.hpp"
#include "unit/skip_or_fail.hpp"
#include "unit/spam/message_builder.hpp"

namespace mailroom::spam {
namespace {

using std::chrono::milliseconds;

using mailroom::test::RedisServer;

class RedisStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_.start(); }
  static void TearDownTestSuite() { server_.stop(); }

  void SetUp() override {
    if (!server_.running() || !open_store_at(server_.url(), "ping:").has_value())
      MAILROOM_SKIP_OR_FAIL() << RedisServer::kServer << " did not start (Debian redis-server)";
    // Every test its own keys.
    prefix_ =
        std::string("t:") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ":";
  }

  static Result<std::unique_ptr<TokenStore>> open_store_at(const std::string& url,
                                                           const std::string& prefix) {
    return open_redis_store(url, prefix, milliseconds(2000));
  }
  std::unique_ptr<TokenStore> open(const std::string& prefix = {}) {
    auto store = open_store_at(server_.url(), prefix.empty() ? prefix_ : prefix);
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
    return store ? std::move(*store) : nullptr;
  }
  static void put(TokenStore& store, std::uint64_t key, TokenRecord r, Totals t) {
    auto writer = store.write();
    ASSERT_TRUE(writer.has_value()) << writer.error().message;
    const std::vector<std::uint64_t> keys{key};
    const std::vector<TokenRecord> records{r};
    ASSERT_TRUE((*writer)->put(keys, keys.size(), records, t).has_value());
    ASSERT_TRUE((*writer)->commit().has_value());
  }

  static inline RedisServer server_;
  std::string prefix_;
};

TEST(RedisUrlTest, HostPortDatabase) {
  auto a = parse_redis_url("redis://127.0.0.1:6380/3");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 3U);
  a = parse_redis_url("redis://localhost");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 6379);
  EXPECT_EQ(a->db, 0U);
  a = parse_redis_url("redis://[::1]:7000");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 7000);
}

TEST(RedisUrlTest, Refused) {
  for (const char* bad :
       {"http://127.0.0.1", "redis://127.0.0.1:", "redis://127.0.0.1:0", "redis://127.0.0.1:70000",
        "redis://127.0.0.1/x", "redis://redis.example.net:6379", "redis://[::1", "redis://"}) {
    auto a = parse_redis_url(bad);
    EXPECT_FALSE(a.has_value()) << bad;
    if (!a) EXPECT_EQ(a.error().kind, ErrorKind::config) << bad;
  }
}

TEST(RedisConnectTest, NobodyListeningIsTemporary) {
  const auto port = RedisServer::free_port();
  auto store =
      open_redis_store("redis://127.0.0.1:" + std::to_string(port), "x:", milliseconds(200));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().kind, ErrorKind::temporary);
  EXPECT_NE(store.error().message.find("connect"), std::string::npos) << store.error().message;
}

// A server that accepts (the kernel does, from the backlog) and never
// answers: the read gives up after the timeout instead of hanging.
TEST(RedisConnectTest, SilentServerTimesOut) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size), 0);
  auto store = open_redis_store("redis://127.0.0.1:" + std::to_string(ntohs(a.sin_port)),
                                "x:", milliseconds(100));
  ASSERT_TRUE(store.has_value()) << store.error().message;
  const std::vector<std::uint64_t> keys{1, 2};
  auto snap = (*store)->read(keys, 1);
  ::close(fd);
  ASSERT_FALSE(snap.has_value());
  EXPECT_EQ(snap.error().kind, ErrorKind::temporary);
  EXPECT_NE(snap.error().message.find("within 100 ms"), std::string::npos) << snap.error().message;
}

TEST_F(RedisStoreTest, EmptyStoreReadsZero) {
  auto store = open();
  const std::vector<std::uint64_t> keys{1, 2, 3};
  auto snap = store->read(keys, 2);
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->totals.spam, 0U);
  ASSERT_EQ(snap->records.size(), 3U);
  EXPECT_EQ(snap->records[0].spam, 0U);
  EXPECT_EQ(snap->records[2].weight, 0.0F);
}

// Two connections are two hosts: what one commits, the other reads.
TEST_F(RedisStoreTest, AnotherHostSeesCommittedTraining) {
  auto host_a = open();
  auto host_b = open();
  put(*host_a, 42, TokenRecord{3, 1, 0.5F}, Totals{7, 9, -0.25F, 5, 2, 6});
  const std::vector<std::uint64_t> keys{42, 43, 42};
  auto snap = host_b->read(keys, 2);  // the third key: its slot of the table
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->totals.spam, 7U);
  EXPECT_EQ(snap->totals.ham, 9U);
  EXPECT_FLOAT_EQ(snap->totals.bias, -0.25F);
  EXPECT_EQ(snap->totals.switches, 5U);
  EXPECT_EQ(snap->totals.last_class, 2U);
  EXPECT_EQ(snap->totals.corrections, 6U);
  EXPECT_EQ(snap->records[0].spam, 3U);
  EXPECT_EQ(snap->records[0].ham, 1U);
  EXPECT_FLOAT_EQ(snap->records[0].weight, 0.5F);
  EXPECT_EQ(snap->records[1].spam, 0U);
  EXPECT_EQ(snap->records[2].weight, 0.0F);  // a counted key's record is not in the table
}

TEST_F(RedisStoreTest, WeightTableSlotsRoundTrip) {
  auto store = open();
  const std::vector<std::uint64_t> keys{11, 0xDEADBEEFCAFEULL, 0x123456789ULL};
  const std::vector<TokenRecord> records{{1, 0, 0.0F}, {0, 0, 1.25F}, {0, 0, -3.5F}};
  auto writer = store->write();
  ASSERT_TRUE(writer.has_value()) << writer.error().message;
  ASSERT_TRUE((*writer)->put(keys, 1, records, Totals{1, 0, 0, 0, 2}).has_value());
  // The writer reads its own writes.
  auto own = (*writer)->read(keys, 1);
  ASSERT_TRUE(own.has_value()) << own.error().message;
  EXPECT_NEAR(own->records[1].weight, 1.25F, 1e-3);
  ASSERT_TRUE((*writer)->commit().has_value());
  auto snap = open()->read(keys, 1);
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->records[0].spam, 1U);
  EXPECT_NEAR(snap->records[1].weight, 1.25F, 1e-3);
  EXPECT_NEAR(snap->records[2].weight, -3.5F, 1e-3);
}

TEST_F(RedisStoreTest, UncommittedWriterIsInvisibleAndAbortLetsGo) {
  auto store = open();
  auto reader = open();
  put(*store, 5, TokenRecord{1, 0, 0.0F}, Totals{1, 0, 0.0F, 0, 2});
  {
    auto writer = store->write();
    ASSERT_TRUE(writer.has_value());
    const std::vector<std::uint64_t> keys{5};
    const std::vector<TokenRecord> records{{2, 0, 0.0F}};
    ASSERT_TRUE((*writer)->put(keys, 1, records, Totals{2, 0, 0.0F, 0, 2}).has_value());
    auto snap = reader->read(keys, 1);
    ASSERT_TRUE(snap.has_value());
    EXPECT_EQ(snap->records[0].spam, 1U);
    EXPECT_EQ(snap->totals.spam, 1U);
  }  // destroyed uncommitted: aborted
  const std::vector<std::uint64_t> keys{5};
  auto snap = reader->read(keys, 1);
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->records[0].spam, 1U);
  // The lock was let go: the next writer does not wait for its expiry.
  const auto start = std::chrono::steady_clock::now();
  auto next = store->write();
  ASSERT_TRUE(next.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// A second host's writer waits for the first one's commit, then reads
// what it committed (so the two trainings add up instead of one
// overwriting the other).
TEST_F(RedisStoreTest, WritersTakeTurns) {
  auto host_a = open();
  auto host_b = open();
  auto first = host_a->write();
  ASSERT_TRUE(first.has_value());
  std::atomic<bool> committed{false};
  std::atomic<bool> saw_commit{false};
  std::thread second([&] {
    auto writer = host_b->write();
    ASSERT_TRUE(writer.has_value()) << writer.error().message;
    saw_commit = committed.load();
    const std::vector<std::uint64_t> keys{9};
    auto snap = (*writer)->read(keys, 1);
    ASSERT_TRUE(snap.has_value());
    snap->records[0].spam += 1;
    snap->totals.spam += 1;
    ASSERT_TRUE((*writer)->put(keys, 1, snap->records, snap->totals).has_value());
    ASSERT_TRUE((*writer)->commit().has_value());
  });
  std::this_thread::sleep_for(milliseconds(200));
  const std::vector<std::uint64_t> keys{9};
  auto snap = (*first)->read(keys, 1);
  ASSERT_TRUE(snap.has_value());
  snap->records[0].spam += 1;
  snap->totals.spam += 1;
  ASSERT_TRUE((*first)->put(keys, 1, snap->records, snap->totals).has_value());
  committed = true;
  ASSERT_TRUE((*first)->commit().has_value());
  second.join();
  EXPECT_TRUE(saw_commit.load());
  auto after = host_a->read(keys, 1);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->records[0].spam, 2U);
  EXPECT_EQ(after->totals.spam, 2U);
}

// A writer paused past its lock's expiry, whose lock another writer took:
// its commit changes nothing.
TEST_F(RedisStoreTest, WriterWhoseLockWasTakenCommitsNothing) {
  auto store = open();
  auto writer = store->write();
  ASSERT_TRUE(writer.has_value());
  const std::vector<std::uint64_t> keys{77};
  const std::vector<TokenRecord> records{{1, 0, 0.0F}};
  ASSERT_TRUE((*writer)->put(keys, 1, records, Totals{1, 0, 0.0F, 0, 2}).has_value());
  auto address = parse_redis_url(server_.url());
  ASSERT_TRUE(address.has_value());
  auto raw = RedisClient::connect(*address, milliseconds(2000), "test");
  ASSERT_TRUE(raw.has_value());
  auto taken = raw->call(RedisCommand("SET").arg(prefix_ + "lock").arg("someone-else"));
  ASSERT_TRUE(taken.has_value());
  auto done = (*writer)->commit();
  ASSERT_FALSE(done.has_value());
  EXPECT_NE(done.error().message.find("lock"), std::string::npos) << done.error().message;
  auto snap = store->read(keys, 1);
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->records[0].spam, 0U);
  EXPECT_EQ(snap->totals.spam, 0U);
  auto lock = raw->call(RedisCommand("GET").arg(prefix_ + "lock"));
  ASSERT_TRUE(lock.has_value());
  EXPECT_EQ(reply_string(**lock), "someone-else");  // not deleted by the loser
}

TEST_F(RedisStoreTest, PrefixesAreSeparateStores) {
  put(*open(prefix_ + "site1:"), 3, TokenRecord{4, 0, 0.0F}, Totals{4, 0, 0.0F, 0, 2});
  const std::vector<std::uint64_t> keys{3};
  auto other = open(prefix_ + "site2:")->read(keys, 1);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->records[0].spam, 0U);
  EXPECT_EQ(other->totals.spam, 0U);
}

// Totals written before corrections were kept (17 bytes) still read, with
// none.
TEST_F(RedisStoreTest, TotalsWithoutCorrectionsAreRead) {
  auto address = parse_redis_url(server_.url());
  ASSERT_TRUE(address.has_value());
  auto raw = RedisClient::connect(*address, milliseconds(2000), "test");
  ASSERT_TRUE(raw.has_value());
  // spam 3, ham 4, bias 0.0, switches 2, last class 1 (ham), little-endian
  const std::string totals("\x03\0\0\0\x04\0\0\0\0\0\0\0\x02\0\0\0\x01", 17);
  ASSERT_TRUE(raw->call(RedisCommand("SET").arg(prefix_ + "totals").arg(totals)).has_value());
  auto snap = open()->read({}, 0);
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  EXPECT_EQ(snap->totals.spam, 3U);
  EXPECT_EQ(snap->totals.ham, 4U);
  EXPECT_EQ(snap->totals.switches, 2U);
  EXPECT_EQ(snap->totals.last_class, 1U);
  EXPECT_EQ(snap->totals.corrections, 0U);
}

TEST_F(RedisStoreTest, ForeignFormatIsRefused) {
  auto address = parse_redis_url(server_.url());
  ASSERT_TRUE(address.has_value());
  auto raw = RedisClient::connect(*address, milliseconds(2000), "test");
  ASSERT_TRUE(raw.has_value());
  ASSERT_TRUE(raw->call(RedisCommand("SET").arg(prefix_ + "format").arg("9")).has_value());
  auto snap = open()->read({}, 0);
  ASSERT_FALSE(snap.has_value());
  EXPECT_NE(snap.error().message.find("format \"9\""), std::string::npos) << snap.error().message;
}

// A commit that changes many slots writes whole chunks of the table
// (GETRANGE, patch, SETRANGE): the slots read back through BITFIELD_RO
// as written, and a slot written before by BITFIELD SET survives.
TEST_F(RedisStoreTest, ManySlotsWrittenAsWholeChunks) {
  auto store = open();
  const std::uint64_t earlier = 0x5151515151ULL;
  const std::vector<std::uint64_t> one{earlier};
  const std::vector<TokenRecord> one_record{{0, 0, 1.5F}};
  {
    auto writer = store->write();
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE((*writer)->put(one, 0, one_record, Totals{}).has_value());
    ASSERT_TRUE((*writer)->commit().has_value());
  }
  std::vector<std::uint64_t> keys;
  std::vector<TokenRecord> records;
  std::unordered_map<std::size_t, std::int16_t> expected;  // slot -> units, last write wins
  std::uint64_t x = 88172645463325252ULL;
  while (keys.size() < 40'000) {
    x ^= x << 13;  // xorshift64
    x ^= x >> 7;
    x ^= x << 17;
    if (weight_slot(x) == weight_slot(earlier)) continue;
    const float weight = static_cast<float>(static_cast<int>(x % 2001) - 1000) / 100.0F;
    keys.push_back(x);
    records.push_back(TokenRecord{0, 0, weight});
    expected[weight_slot(x)] = quantize_weight(weight_sign(x) * weight);
  }
  auto writer = store->write();
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->put(keys, 0, records, Totals{1, 0, 0.0F, 0, 2}).has_value());
  ASSERT_TRUE((*writer)->commit().has_value());
  keys.push_back(earlier);
  auto snap = open()->read(keys, 0);
  ASSERT_TRUE(snap.has_value()) << snap.error().message;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i)
    ASSERT_EQ(snap->records[i].weight,
              weight_sign(keys[i]) * weight_of(expected.at(weight_slot(keys[i]))))
        << i;
  EXPECT_NEAR(snap->records.back().weight, 1.5F, 1e-3);
}

// learn() through Redis and through the memory store: the same records
// and weights, so the same verdicts (relearning moves, never counts twice).
TEST_F(RedisStoreTest, SameTrainingAsTheMemoryStore) {
  auto redis = open();
  auto memory = make_memory_store();
  const ModelParams params;
  const std::vector<std::pair<std::string, bool>> messages{
      {"cheap pills winner prize casino", true},
      {"meeting patch review agenda", false},
      {"casino loan credit offer", true},
      {"release minutes build kernel", false},
      {"cheap pills winner prize casino", false}};  // learnt again as ham: a move
  int n = 0;
  for (const auto& [body, spam] : messages) {
    const auto m = message_features(test::parse("Message-ID: <" + std::to_string(n++ % 4) +
                                                "@x>\r\nSubject: s\r\n\r\n" + body + "\r\n"),
                                    params);
    for (TokenStore* store : {redis.get(), memory.get()}) {
      auto writer = store->write();
      ASSERT_TRUE(writer.has_value());
      ASSERT_TRUE(learn(**writer, m, spam, params).has_value());
      ASSERT_TRUE((*writer)->commit().has_value());
    }
  }
  const auto probe = scoring_features(
      test::parse("Subject: s\r\n\r\ncheap casino agenda kernel offer\r\n"), params);
  auto a = redis->read(probe.keys, probe.counted);
  auto b = memory->read(probe.keys, probe.counted);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->totals.spam, 1U);  // the first spam moved to ham
  EXPECT_EQ(a->totals.ham, 3U);
  EXPECT_EQ(a->totals.spam, b->totals.spam);
  EXPECT_EQ(a->totals.ham, b->totals.ham);
  EXPECT_EQ(a->totals.bias, b->totals.bias);
  ASSERT_EQ(a->records.size(), b->records.size());
  for (std::size_t i = 0; i < a->records.size(); ++i) {
    EXPECT_EQ(a->records[i].spam, b->records[i].spam) << i;
    EXPECT_EQ(a->records[i].ham, b->records[i].ham) << i;
    EXPECT_EQ(a->records[i].weight, b->records[i].weight) << i;
  }
}

}  // namespace
}  // namespace mailroom::spam
