// A redis-server of a test's own on a free loopback port (no persistence),
// for the tests of code that talks to Redis; stopped by pid and its
// directory removed by stop().
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "mailroom/redis/client.hpp"

namespace mailroom::test {

class RedisServer {
 public:
  static constexpr const char* kServer = "/usr/bin/redis-server";

  // Starts one; running() says whether it answers. Another process may
  // take the free port first: then the server exits and another is tried.
  void start() {
    if (::access(kServer, X_OK) != 0) return;
    char tmpl[] = "/tmp/mailroom-redis-test-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return;
    dir_ = tmpl;
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) start_once();
  }
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  [[nodiscard]] bool running() const { return pid_ > 0 && answers(); }
  [[nodiscard]] const std::string& url() const { return url_; }

  // A TCP port nobody listens on now (bound, then let go).
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof a;
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size) == 0;
    ::close(fd);
    return bound ? ntohs(a.sin_port) : 0;
  }

 private:
  [[nodiscard]] bool answers() const {
    auto address = redis::parse_redis_url(url_, "test");
    return address && redis::RedisClient::connect(*address, std::chrono::milliseconds(500), "test")
                          .has_value();
  }
  void start_once() {
    const std::string port = std::to_string(free_port());
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string log = dir_ + "/log";  // its notices, not in the test output
      if (std::freopen(log.c_str(), "a", stdout) == nullptr) ::_exit(127);
      ::dup2(STDOUT_FILENO, STDERR_FILENO);
      ::execl(kServer, kServer, "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no", "--dir", dir_.c_str(), "--loglevel", "warning",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    url_ = "redis://127.0.0.1:" + port;
    // Ready when it answers (a few ms; up to 5 s on a loaded machine).
    for (int i = 0; i < 250; ++i) {
      if (answers()) return;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) break;  // exited: port taken
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_ ||
        (::kill(pid_, SIGTERM) == 0 && ::waitpid(pid_, nullptr, 0) == pid_))
      pid_ = -1;
  }

  pid_t pid_ = -1;
  std::string dir_;
  std::string url_;
};

}  // namespace mailroom::test
