#include "dns/name_servers.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace mailroom::dns::detail {
namespace {

std::string text_of(const NameServer& server) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (server.address.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&server.address);
    ::inet_ntop(AF_INET, &sin->sin_addr, buffer, sizeof buffer);
    return std::string(buffer) + " " + std::to_string(ntohs(sin->sin_port));
  }
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&server.address);
  ::inet_ntop(AF_INET6, &sin6->sin6_addr, buffer, sizeof buffer);
  return "[" + std::string(buffer) + "] " + std::to_string(ntohs(sin6->sin6_port)) + " %" +
         std::to_string(sin6->sin6_scope_id);
}

TEST(NameServers, ParsesEveryForm) {
  auto servers = parse_name_servers("127.0.0.1, 192.0.2.1:5353,[2001:db8::1]:54,2001:db8::2");
  ASSERT_TRUE(servers) << servers.error().message;
  ASSERT_EQ(servers->size(), 4U);
  EXPECT_EQ(text_of((*servers)[0]), "127.0.0.1 53");
  EXPECT_EQ(text_of((*servers)[1]), "192.0.2.1 5353");
  EXPECT_EQ(text_of((*servers)[2]), "[2001:db8::1] 54 %0");
  EXPECT_EQ(text_of((*servers)[3]), "[2001:db8::2] 53 %0");
  EXPECT_EQ((*servers)[1].text, "192.0.2.1:5353");
  EXPECT_EQ((*servers)[0].length, sizeof(sockaddr_in));
  EXPECT_EQ((*servers)[2].length, sizeof(sockaddr_in6));
}

TEST(NameServers, BadEntriesAreConfigErrorsNamingThem) {
  for (const char* bad : {"dns.example.net", "192.0.2.1:0", "192.0.2.1:65536", "[2001:db8::1",
                          "[2001:db8::1]x", "192.0.2.1:53x", "127.0.0.1,,", "", "300.1.1.1"}) {
    auto servers = parse_name_servers(bad);
    ASSERT_FALSE(servers) << bad;
    EXPECT_EQ(servers.error().kind, ErrorKind::config) << bad;
  }
  auto named = parse_name_servers("127.0.0.1, dns.example.net");
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find("\"dns.example.net\""), std::string::npos)
      << named.error().message;
}

std::string write_temp(const std::string& content) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string path = ::testing::TempDir() + "/mr-resolv-" + test->name();
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(content.c_str(), f);
  std::fclose(f);
  return path;
}

TEST(ResolvConf, TakesTheFirstThreeNameserversItCanRead) {
  const std::string path = write_temp(
      "# comment\n"
      "search example.test\n"
      "nameserver 192.0.2.1\n"
      "nameserver\tbogus\n"
      "nameserver 2001:db8::53  # trailing comment\n"
      "options timeout:1 attempts:5\n"
      "nameserver 192.0.2.3\n"
      "nameserver 192.0.2.4\n");
  auto servers = read_resolv_conf(path);
  ::unlink(path.c_str());
  ASSERT_EQ(servers.size(), 3U);
  EXPECT_EQ(text_of(servers[0]), "192.0.2.1 53");
  EXPECT_EQ(text_of(servers[1]), "[2001:db8::53] 53 %0");
  EXPECT_EQ(text_of(servers[2]), "192.0.2.3 53");
}

TEST(ResolvConf, LinkLocalServersKeepTheirScope) {
  const std::string path = write_temp("nameserver fe80::1%lo\nnameserver fe80::2%7\n");
  auto servers = read_resolv_conf(path);
  ::unlink(path.c_str());
  ASSERT_EQ(servers.size(), 2U);
  EXPECT_EQ(text_of(servers[0]), "[fe80::1] 53 %1");  // lo is interface 1
  EXPECT_EQ(text_of(servers[1]), "[fe80::2] 53 %7");
}

TEST(ResolvConf, NoFileOrNoServerMeansTheLocalHost) {
  auto none = read_resolv_conf("/nonexistent/resolv.conf");
  ASSERT_EQ(none.size(), 1U);
  EXPECT_EQ(text_of(none[0]), "127.0.0.1 53");
  const std::string path = write_temp("search example.test\nnameservers 192.0.2.1\n");
  auto empty = read_resolv_conf(path);
  ::unlink(path.c_str());
  ASSERT_EQ(empty.size(), 1U);
  EXPECT_EQ(text_of(empty[0]), "127.0.0.1 53");
}

}  // namespace
}  // namespace mailroom::dns::detail
