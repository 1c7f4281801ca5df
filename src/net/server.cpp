#include "mailroom/net/server.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <set>

#include "mailroom/net/activation.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::net {

namespace asio = boost::asio;
using asio::ip::tcp;

bool ConnectionCounter::try_add(const std::string& ip) {
  auto it = std::find_if(open_.begin(), open_.end(), [&](const auto& e) { return e.first == ip; });
  if (it == open_.end()) {
    if (max_per_ip_ == 0) return false;
    open_.emplace_back(ip, 1);
  } else {
    if (it->second >= max_per_ip_) return false;
    ++it->second;
  }
  ++total_;
  return true;
}

void ConnectionCounter::remove(const std::string& ip) {
  auto it = std::find_if(open_.begin(), open_.end(), [&](const auto& e) { return e.first == ip; });
  if (it == open_.end()) return;
  --total_;
  if (--it->second == 0) open_.erase(it);
}

struct Server::Impl {
  std::vector<ListenerSpec> specs;
  Limits limits;
  asio::io_context io{1};
  std::vector<tcp::acceptor> acceptors;
  ConnectionCounter counter{limits.max_connections_per_ip};
  std::set<pid_t> children;
  bool stopping = false;
  asio::steady_timer grace{io};

  Impl(std::vector<ListenerSpec> s, Limits l) : specs(std::move(s)), limits(l) {}

  asio::awaitable<void> accept_loop(std::size_t index, OnConnection on_connection) {
    auto& acceptor = acceptors[index];
    while (!stopping) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || stopping) co_return;
      if (ec) {
        // EMFILE and friends: wait a little instead of spinning.
        log::warn("serve: accept on {}:{}: {}", specs[index].address, specs[index].port,
                  ec.message());
        asio::steady_timer pause(io, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::use_awaitable);
        continue;
      }
      std::string ip = socket.remote_endpoint(ec).address().to_string();
      if (ec) continue;
      if (!counter.try_add(ip)) {
        log::warn("serve: refused {}: {} connections from it already", ip,
                  limits.max_connections_per_ip);
        continue;  // the socket closes; the protocol has no greeting to refuse with yet
      }
      socket.non_blocking(false, ec);
      Accepted accepted{UniqueFd(socket.release()), ip, index};
      on_connection(std::move(accepted), [this, ip] { closed(ip); });
    }
  }

  void closed(const std::string& ip) {
    counter.remove(ip);
    if (stopping && counter.total() == 0) io.stop();
  }

  void reap() {
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) children.erase(pid);
  }

  void shut_down() {
    if (stopping) return;
    stopping = true;
    log::info("serve: shutting down, {} connections open", counter.total());
    for (auto& acceptor : acceptors) acceptor.close();
    if (counter.total() == 0) {
      io.stop();
      return;
    }
    grace.expires_after(limits.shutdown_grace);
    grace.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      for (pid_t pid : children) ::kill(pid, SIGTERM);
      io.stop();
    });
  }

  asio::awaitable<void> signal_loop(std::function<void()> on_reload) {
    asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
    signals.add(SIGCHLD);
    for (;;) {
      int number = co_await signals.async_wait(asio::use_awaitable);
      if (number == SIGCHLD) {
        reap();
      } else if (number == SIGHUP) {
        on_reload();
      } else {
        shut_down();
      }
    }
  }
};

Server::Server(std::vector<ListenerSpec> specs, Limits limits)
    : impl_(std::make_unique<Impl>(std::move(specs), limits)) {}
Server::~Server() = default;

asio::io_context& Server::io() { return impl_->io; }

namespace {

// The address a socket is bound to (port 0 when it cannot be read).
tcp::endpoint bound_to(int fd) {
  tcp::endpoint bound;
  auto size = static_cast<socklen_t>(bound.capacity());
  if (::getsockname(fd, bound.data(), &size) != 0) return {};
  bound.resize(size);
  return bound;
}

// A socket systemd passed that is bound to `endpoint`, taken out of
// `inherited`; -1 when there is none.
int take_inherited(std::vector<int>& inherited, const tcp::endpoint& endpoint) {
  for (auto it = inherited.begin(); it != inherited.end(); ++it) {
    if (bound_to(*it) == endpoint) {
      int fd = *it;
      inherited.erase(it);
      return fd;
    }
  }
  return -1;
}

}  // namespace

Status Server::bind() {
  // Socket activation: a listener whose address and port systemd already
  // bound (mailroom-serve.socket) takes that socket; the others are bound here.
  auto inherited = take_activation_sockets();
  for (const auto& spec : impl_->specs) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(spec.address, ec);
    if (ec)
      return fail(ErrorKind::config, "listener address " + spec.address + ": " + ec.message());
    tcp::endpoint endpoint(address, spec.port);
    tcp::acceptor acceptor(impl_->io);
    if (int fd = take_inherited(inherited, endpoint); fd >= 0) {
      acceptor.assign(endpoint.protocol(), fd, ec);
      if (ec) return fail(ErrorKind::config, "socket from systemd: " + ec.message());
      log::info("serve: {}:{} from systemd", spec.address, spec.port);
      impl_->acceptors.push_back(std::move(acceptor));
      continue;
    }
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && address.is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return fail(ErrorKind::config, "listen on " + spec.address + ":" + std::to_string(spec.port) +
                                         ": " + ec.message());
    impl_->acceptors.push_back(std::move(acceptor));
  }
  if (!inherited.empty()) {
    auto bound = bound_to(inherited.front());
    std::string where = bound.address().to_string() + " port " + std::to_string(bound.port());
    for (int fd : inherited) ::close(fd);
    return fail(ErrorKind::config,
                "systemd passed a socket (" + where + ") that no serve.listeners entry names");
  }
  return ok();
}

std::uint16_t Server::bound_port(std::size_t index) const {
  boost::system::error_code ec;
  auto endpoint = impl_->acceptors.at(index).local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::adopt(pid_t pid) { impl_->children.insert(pid); }

int Server::run(const OnConnection& on_connection, std::function<void()> on_reload) {
  auto& impl = *impl_;
  auto rethrow = [](const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);
  };
  try {
    asio::co_spawn(impl.io, impl.signal_loop(std::move(on_reload)), rethrow);
    for (std::size_t i = 0; i < impl.acceptors.size(); ++i)
      asio::co_spawn(impl.io, impl.accept_loop(i, on_connection), rethrow);
    impl.io.run();
  } catch (const std::exception& e) {
    log::error("serve: {}", e.what());
    return 75;
  }
  log::info("serve: stopped");
  return 0;
}

}  // namespace mailroom::net
