// The session process of a POP3 connection (processes.hpp).
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "mailroom/net/line_reader.hpp"
#include "mailroom/util/log.hpp"
#include "server/pop3/processes.hpp"
#include "server/pop3/transaction.hpp"
#include "server/process.hpp"

namespace mailroom::server::pop3 {
int run_session(int login, const std::string& maildir, const net::Limits& limits) {
  auto drop = Maildrop::open(maildir);
  if (!drop) {
    log::error("pop3: cannot open {}: {}", maildir, drop.error().message);
    (void)send_all(login, "-ERR [SYS/TEMP] cannot open the maildrop\r\n");
    return 75;
  }
  Transaction transaction(*drop);
  if (!send_all(login, transaction.greeting())) return 0;
  net::LineReader reader(limits.max_line);
  std::array<char, 16384> buffer{};
  for (;;) {
    ssize_t n = ::read(login, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;  // the client left without QUIT: nothing is deleted
    reader.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    while (auto event = reader.next()) {
      bool done = false;
      std::string reply = event->kind == net::LineEvent::Kind::too_long
                              ? std::string("-ERR line too long\r\n")
                              : transaction.handle(event->text, done);
      if (!send_all(login, reply)) return 0;
      if (done) return 0;
    }
  }
}

}  // namespace mailroom::server::pop3
