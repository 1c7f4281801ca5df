// The listening process of `mailroom lmtp`: accepts, forks a session
// process per connection (lmtp/session.hpp), reaps them, reloads the
// configuration on SIGHUP and, on SIGTERM, stops accepting and lets every
// session finish its transaction (mailroom-lmtp(8), "SIGNALS"). Signals
// arrive through a signalfd, so the loop is one poll() and no handler
// touches state.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cerrno>
#include <chrono>
#include <set>

#include "lmtp/counters.hpp"
#include "lmtp/listeners.hpp"
#include "lmtp/session.hpp"
#include "lmtp/session_user.hpp"
#include "mailroom/lmtp/lmtp.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::lmtp {
namespace {

constexpr int kExitConfig = 78;  // EX_CONFIG: cannot listen

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int number : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&set, number);
  return set;
}

extern "C" void on_session_term(int /*signal*/) { session_stopping = 1; }

std::string peer_of(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "unknown";
  char text[INET6_ADDRSTRLEN] = "local";
  if (address.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address)->sin_addr, text, sizeof text);
  if (address.ss_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address)->sin6_addr, text, sizeof text);
  return text;
}

class Listener {
 public:
  Listener(Config config, ConfigSource source, std::vector<Listening> listening, int signals)
      : config_(std::move(config)),
        source_(std::move(source)),
        listening_(std::move(listening)),
        signals_(signals),
        counters_(create_counters()) {
    // A client that went away between poll() and accept() must not block
    // the loop in accept().
    for (const auto& listener : listening_)
      ::fcntl(listener.fd.get(), F_SETFL, ::fcntl(listener.fd.get(), F_GETFL) | O_NONBLOCK);
  }

  int run() {
    while (!stopping_ || !sessions_.empty()) {
      if (stopping_ && std::chrono::steady_clock::now() >= grace_end_) {
        log::warn("lmtp: {} sessions still open after lmtp.shutdown_grace, killed",
                  sessions_.size());
        for (pid_t pid : sessions_) ::kill(pid, SIGKILL);
        break;
      }
      wait_once();
    }
    log::info("lmtp: stopped");
    return 0;
  }

 private:
  void wait_once() {
    std::vector<pollfd> fds{{signals_, POLLIN, 0}};
    if (!stopping_)
      for (const auto& listener : listening_) fds.push_back({listener.fd.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 1000) <= 0) return;
    if (fds[0].revents & POLLIN) take_signal();
    for (std::size_t i = 1; i < fds.size(); ++i)
      if (fds[i].revents & POLLIN) accept_one(listening_[i - 1]);
  }

  void take_signal() {
    signalfd_siginfo info{};
    if (::read(signals_, &info, sizeof info) != sizeof info) return;
    switch (info.ssi_signo) {
      case SIGCHLD:
        reap();
        return;
      case SIGHUP:
        reload();
        return;
      default:
        stop();
    }
  }

  void reap() {
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) sessions_.erase(pid);
  }

  // Listeners stay as they are: a changed lmtp.listeners needs a restart.
  void reload() {
    auto loaded = load_config(source_.path, source_.explicit_path, source_.overrides);
    if (!loaded) {
      log::error("lmtp: SIGHUP: configuration not reloaded: {}", loaded.error().message);
      return;
    }
    config_ = std::move(*loaded);
    log::info("lmtp: configuration reloaded from {}", config_.source);
    warn_unused_session_user(config_);
  }

  void stop() {
    if (stopping_) return;
    stopping_ = true;
    grace_end_ = std::chrono::steady_clock::now() + config_.lmtp.shutdown_grace;
    for (auto& listener : listening_) {
      if (!listener.unlink_path.empty()) ::unlink(listener.unlink_path.c_str());
      listener.fd = UniqueFd();
    }
    log::info("lmtp: shutting down, {} sessions finish their transactions", sessions_.size());
    for (pid_t pid : sessions_) ::kill(pid, SIGTERM);
  }

  void accept_one(const Listening& listener) {
    UniqueFd connection(::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection) return;  // the client went away, or EMFILE: poll again
    if (listener.stats) return serve_stats(connection.get());
    if (sessions_.size() >= config_.lmtp.max_connections) {
      // RFC 5321 §3.1: a server that cannot serve now says so with 421 in
      // place of the greeting; the MTA tries again later.
      static constexpr std::string_view kBusy =
          "421 4.3.2 too many connections, try again later\r\n";
      [[maybe_unused]] auto sent =
          ::send(connection.get(), kBusy.data(), kBusy.size(), MSG_DONTWAIT);
      log::warn("lmtp: refused a connection: lmtp.max_connections ({}) open", sessions_.size());
      if (counters_ != nullptr) counters_->refused_connections.fetch_add(1);
      return;
    }
    pid_t pid = ::fork();
    if (pid < 0) {
      log::error("lmtp: fork: {}", std::strerror(errno));
      return;
    }
    if (pid == 0) serve_child(connection.get());
    if (counters_ != nullptr) counters_->connections.fetch_add(1);
    sessions_.insert(pid);
  }

  // HTTP/1.0 from the loopback monitoring: whatever was asked, the
  // counters, then close. Answered here, in a moment, without a process.
  void serve_stats(int connection) {
    pollfd ready{connection, POLLIN, 0};
    char request[1024];
    if (::poll(&ready, 1, 200) > 0) [[maybe_unused]]
      auto got = ::read(connection, request, sizeof request);
    std::string body = counters_ != nullptr ? prometheus_text(*counters_) : "";
    std::string response =
        "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    [[maybe_unused]] auto sent = ::send(connection, response.data(), response.size(), MSG_NOSIGNAL);
  }

  [[noreturn]] void serve_child(int connection) {
    for (auto& listener : listening_) listener.fd = UniqueFd();
    ::close(signals_);
    struct sigaction action {};
    action.sa_handler = on_session_term;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);  // no SA_RESTART: poll() returns at once
    action.sa_handler = SIG_IGN;             // reloading is the listener's business
    ::sigaction(SIGHUP, &action, nullptr);
    sigset_t set = handled_signals();
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    int status = run_session(connection, peer_of(connection), config_, counters_);
    log::flush();
    ::_exit(status);
  }

  Config config_;
  ConfigSource source_;
  std::vector<Listening> listening_;
  int signals_;
  Counters* counters_;  // shared with the sessions; nullptr: not counted
  std::set<pid_t> sessions_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point grace_end_{};
};

int run_server(const Config& config, const ConfigSource& source) {
  auto listening = activated_listeners();
  if (listening.empty()) {
    auto opened = open_listeners(config.lmtp);
    if (!opened) {
      log::error("lmtp: {}", opened.error().message);
      return kExitConfig;
    }
    listening = std::move(*opened);
  }
  if (!config.lmtp.stats_listener.empty()) {
    auto stats = open_stats_listener(config.lmtp.stats_listener);
    if (!stats) {
      log::error("lmtp: {}", stats.error().message);
      return kExitConfig;
    }
    listening.push_back(std::move(*stats));
  }
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set = handled_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  int signals = ::signalfd(-1, &set, SFD_CLOEXEC);
  if (signals < 0) {
    log::error("lmtp: signalfd: {}", std::strerror(errno));
    return kExitConfig;
  }
  for (const auto& listener : listening) log::info("lmtp: listening on {}", listener.name);
  warn_unused_session_user(config);
  Listener server(config, source, std::move(listening), signals);
  return server.run();
}

}  // namespace

int serve(const Config& config, const ConfigSource& source) noexcept {
  try {
    return run_server(config, source);
  } catch (const std::exception& e) {
    log::error("lmtp: {}", e.what());
  } catch (...) {
    log::error("lmtp: internal error");
  }
  return 75;
}

}  // namespace mailroom::lmtp
