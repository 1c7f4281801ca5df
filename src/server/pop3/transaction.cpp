#include "server/pop3/transaction.hpp"

#include "mailroom/server/pop3.hpp"
#include "server/pop3/capabilities.hpp"

namespace mailroom::server::pop3 {
namespace {

std::string err(std::string_view text) { return "-ERR " + std::string(text) + "\r\n"; }

}  // namespace

std::string Transaction::greeting() {
  std::uint64_t octets = 0;
  for (const auto& m : drop_.messages()) octets += m.size;
  return "+OK maildrop has " + std::to_string(drop_.messages().size()) + " messages (" +
         std::to_string(octets) + " octets)\r\n";
}

DropMessage* Transaction::find(std::size_t number, std::string& error) {
  auto& all = drop_.messages();
  if (number == 0 || number > all.size() || all[number - 1].deleted) {
    error = err("no such message");
    return nullptr;
  }
  return &all[number - 1];
}

std::string Transaction::retrieve(std::size_t number, std::optional<std::size_t> lines) {
  std::string error;
  auto* message = find(number, error);
  if (message == nullptr) return error;
  auto text = drop_.read(*message);
  if (!text) return err("[SYS/TEMP] cannot read the message now");
  return "+OK " + std::to_string(message->size) + " octets\r\n" + dot_stuff(*text, lines);
}

std::string Transaction::listing(bool uidl, std::optional<std::size_t> number) {
  auto line = [&](std::size_t n, const DropMessage& m) {
    return std::to_string(n) + " " + (uidl ? m.uidl : std::to_string(m.size));
  };
  if (number) {
    std::string error;
    auto* message = find(*number, error);
    return message == nullptr ? error : "+OK " + line(*number, *message) + "\r\n";
  }
  std::string out = "+OK\r\n";
  auto& all = drop_.messages();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!all[i].deleted) out += line(i + 1, all[i]) + "\r\n";
  return out + ".\r\n";
}

std::string Transaction::quit(bool& done) {
  done = true;
  // RFC 1939 section 6: deletions happen here and only here.
  if (auto committed = drop_.commit(); !committed)
    return err("[SYS/TEMP] some deleted messages were not removed");
  return "+OK bye\r\n";
}

std::string Transaction::handle(std::string_view line, bool& done) {
  auto command = parse_command(line);
  if (!command) return err(command.error().message);
  auto& all = drop_.messages();
  switch (command->verb) {
    case Verb::stat: {
      std::size_t count = 0;
      std::uint64_t octets = 0;
      for (const auto& m : all)
        if (!m.deleted) ++count, octets += m.size;
      return "+OK " + std::to_string(count) + " " + std::to_string(octets) + "\r\n";
    }
    case Verb::list:
      return listing(false, command->message);
    case Verb::uidl:
      return listing(true, command->message);
    case Verb::retr:
      return retrieve(*command->message, std::nullopt);
    case Verb::top:
      return retrieve(*command->message, command->lines);
    case Verb::dele: {
      std::string error;
      auto* message = find(*command->message, error);
      if (message == nullptr) return error;
      message->deleted = true;
      return "+OK marked for deletion\r\n";
    }
    case Verb::rset:
      for (auto& m : all) m.deleted = false;
      return "+OK\r\n";
    case Verb::noop:
      return "+OK\r\n";
    case Verb::capa:
      return capabilities(CapaState{true, false, false});
    case Verb::quit:
      return quit(done);
    default:
      return err("not in the TRANSACTION state");
  }
}

}  // namespace mailroom::server::pop3
