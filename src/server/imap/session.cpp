// The session process of an IMAP connection (processes.hpp) and the
// commands of every state after login.
#include "server/imap/session.hpp"
#include "server/imap/text.hpp"

#include <malloc.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "mailroom/util/log.hpp"
#include "server/broker.hpp"
#include "server/imap/capabilities.hpp"
#include "server/imap/processes.hpp"
#include "server/process.hpp"

namespace mailroom::server::imap {
namespace {

// Commands are short; an APPEND literal takes a few more reads. (A
// session's stack pages are its own: 500 idle sessions pay 500 times.)
constexpr std::size_t kBufferSize = 16384;
constexpr int kIdlePollMs = 500;  // IDLE: a delivery shows up within a second

}  // namespace

std::string Session::login_ok(const std::string& tag) {
  return tag + " OK [CAPABILITY " + capabilities(CapaState{true, false, false}) + "] logged in\r\n";
}

std::string Session::updates(bool report_expunges) {
  if (!selected_) return {};
  auto changes = selected_->sync(report_expunges);
  return changes ? *changes : std::string();
}

std::string Session::idle_tick() { return updates(true); }

std::string Session::handle(const Command& c, bool& logout, bool& idle) {
  const std::string& name = c.name;
  if (name == "CAPABILITY")
    return "* CAPABILITY " + capabilities(CapaState{true, false, false}) + "\r\n" +
           tagged(c, "OK CAPABILITY done");
  if (name == "NOOP" || name == "CHECK") {
    if (name == "CHECK" && !selected_) return tagged(c, "BAD no mailbox selected");
    return updates(true) + tagged(c, "OK " + name + " done");
  }
  if (name == "LOGOUT") {
    logout = true;
    return "* BYE logging out\r\n" + tagged(c, "OK LOGOUT done");
  }
  if (name == "ID") return "* ID (\"name\" \"mailroom\")\r\n" + tagged(c, "OK ID done");
  if (name == "ENABLE")  // RFC 5161: none of what can be enabled is offered
    return "* ENABLED\r\n" + tagged(c, "OK ENABLE done");
  if (name == "NAMESPACE")  // RFC 2342: one personal namespace, no prefix
    return "* NAMESPACE ((\"\" \".\")) NIL NIL\r\n" + tagged(c, "OK NAMESPACE done");
  if (name == "STARTTLS" || name == "LOGIN" || name == "AUTHENTICATE")
    return tagged(c, "BAD already logged in");
  if (name == "IDLE") {
    idle = true;
    return updates(true) + "+ idling\r\n";
  }
  if (name == "LIST" || name == "LSUB") return list(c, name == "LSUB");
  if (name == "CREATE") return create(c);
  if (name == "DELETE") return remove(c);
  if (name == "RENAME") return rename(c);
  if (name == "SUBSCRIBE" || name == "UNSUBSCRIBE") return subscribe(c, name == "SUBSCRIBE");
  if (name == "STATUS") return status(c);
  if (name == "SELECT" || name == "EXAMINE") return select(c, name == "EXAMINE");
  if (name == "APPEND") return append(c);
  bool handled = false;
  std::string out = selected_command(c, handled);
  if (handled) return out;
  return tagged(c, "BAD unknown command " + name);
}

int run_session(int login, const std::string& maildir_path, const net::Limits& limits,
                const SessionSetup& setup) {
  maildir::Options options;
  options.subscribe = false;  // CREATE does not subscribe (RFC 3501 section 6.3.3)
  auto maildir = maildir::Maildir::open(maildir_path, options);
  CommandReader reader(CommandLimits{limits.max_line});
  std::array<char, kBufferSize> buffer{};
  // Without TLS the login process hands the client over (broker.hpp) and
  // ends: `peer` is then the client's socket, else the login's relay.
  UniqueFd client, broker;
  int peer = login;
  ssize_t first = receive_first(login, buffer.data(), buffer.size(), client, broker);
  if (first <= 0) return 0;
  reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(first)));
  if (client) {
    for (ssize_t n; (n = ::read(login, buffer.data(), buffer.size())) != 0;) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return 0;
      reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
    peer = client.get();
  }
  const int autologout_ms = static_cast<int>(autologout(limits).count());
  std::optional<Session> session;
  if (maildir) {
    session.emplace(std::move(*maildir), setup);
    session->stream_to([peer](std::string_view bytes) { return send_all(peer, bytes); });
  }
  bool greeted = false, idling = false, fed = true;
  std::string idle_tag;
  for (;;) {
    if (!fed) {
      // Before waiting: give back what the last command freed (a SELECT
      // of a large folder leaves megabytes of freed scan and uidlist
      // buffers in the heap, which an idle session would otherwise keep
      // for hours).
      ::malloc_trim(0);
      pollfd wait{peer, POLLIN, 0};
      int ready = ::poll(&wait, 1, autologout_ms);  // RFC 3501 5.4 (the relay's, without one)
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) (void)send_all(peer, "* BYE autologout: idle too long\r\n");
      if (ready <= 0) return 0;
      ssize_t n = ::read(peer, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return 0;
      reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
    fed = false;
    if (!greeted) {
      auto tag = reader.next_line();  // the login process's "<tag>" line
      if (!tag) continue;
      greeted = true;
      if (!session) {
        log::error("imap: cannot open {}: {}", maildir_path, maildir.error().message);
        (void)send_all(peer, *tag + " NO [UNAVAILABLE] cannot open the mailbox\r\n");
        return 75;
      }
      if (!send_all(peer, Session::login_ok(*tag))) return 0;
    }
    for (;;) {
      if (idling) {
        auto line = reader.next_line();
        if (!line) break;
        idling = false;
        std::string reply = (*line == "DONE" || *line == "done")
                                ? idle_tag + " OK IDLE done\r\n"
                                : idle_tag + " BAD expected DONE\r\n";
        if (!send_all(peer, reply)) return 0;
        continue;
      }
      auto event = reader.next();
      if (!event) break;
      std::string reply;
      bool logout = false, idle = false;
      switch (event->kind) {
        case Framed::Kind::continuation:
          reply = "+ go ahead\r\n";
          break;
        case Framed::Kind::too_long:
          reply = event->tag + " BAD command too long\r\n";
          break;
        case Framed::Kind::literal_too_big:
          reply = event->tag + " NO [TOOBIG] literal too big\r\n";
          break;
        case Framed::Kind::fatal:
          (void)send_all(peer, "* BYE literal too big\r\n");
          return 0;
        case Framed::Kind::command: {
          std::string tag = "*";
          auto command = parse_command(event->text, CommandLimits{}, &tag);
          reply = command ? session->handle(*command, logout, idle)
                          : tag + " BAD " + command.error().message + "\r\n";
          if (idle) idle_tag = command->tag;
          break;
        }
      }
      if (!send_all(peer, reply)) return 0;
      if (logout) return 0;
      idling = idling || idle;
    }
    // IDLE (RFC 2177): look for changes twice a second until DONE arrives.
    for (int waited = 0; idling; waited += kIdlePollMs) {
      if (waited >= autologout_ms) {
        (void)send_all(peer, "* BYE autologout: IDLE for too long\r\n");
        return 0;
      }
      pollfd fd{peer, POLLIN, 0};
      int ready = ::poll(&fd, 1, kIdlePollMs);
      if (ready < 0 && errno != EINTR) return 0;
      if (ready > 0) break;
      std::uint64_t scans = session->scans();
      std::string changes = session->idle_tick();
      if (!changes.empty() && !send_all(peer, changes)) return 0;
      if (session->scans() != scans) ::malloc_trim(0);
    }
  }
}

}  // namespace mailroom::server::imap
