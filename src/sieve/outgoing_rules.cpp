// When a vacation reply or a notification must not be sent (RFC 3834 §2,
// RFC 5230 §4.5-§4.6, RFC 5436 §2.7). Tests: vacation_rules_test.cpp.
#include <algorithm>
#include <array>

#include "mailroom/message/address.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/sieve/outgoing.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::sieve {
namespace {

// "local@domain" compared without case, and without a subaddress detail
// ("bob+lists@x" is bob@x), so every form of the user's address counts.
std::string address_key(std::string_view address) {
  auto split = message::split_address(address, "+");
  return ascii_lower(split.local) + "@" + ascii_lower(split.domain);
}

std::string local_part(std::string_view address) {
  auto at = address.rfind('@');
  return ascii_lower(at == std::string_view::npos ? address : address.substr(0, at));
}

// RFC 5230 §4.6: "owner-*", "*-request", "MAILER-DAEMON" and the like are
// systems, not people; no-reply and bounce addresses promise nobody reads.
std::string system_sender(std::string_view sender) {
  std::string local = local_part(sender);
  static constexpr std::array<std::string_view, 8> kExact = {
      "mailer-daemon", "listserv",     "majordomo",  "noreply",
      "no-reply",      "do-not-reply", "donotreply", "postmaster"};
  if (std::find(kExact.begin(), kExact.end(), local) != kExact.end())
    return "the sender <" + std::string(sender) + "> is a system address";
  auto starts = [&](std::string_view prefix) { return local.rfind(prefix, 0) == 0; };
  auto ends = [&](std::string_view suffix) {
    return local.size() >= suffix.size() &&
           local.compare(local.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (starts("owner-") || ends("-request") || starts("bounce") || starts("noreply") ||
      starts("no-reply") || ends("-bounces"))
    return "the sender <" + std::string(sender) + "> is a list, bounce or no-reply address";
  return {};
}

// RFC 3834 §5.1: Auto-Submitted = "no" / "auto-generated" / ... with
// optional parameters and comments; anything but "no" is automatic.
bool auto_submitted(const message::Message& message) {
  for (const auto* field : message.find_all("Auto-Submitted")) {
    std::string value = ascii_lower(message::unfold(field->value));
    value = value.substr(0, value.find_first_of(";( \t"));
    if (value != "no") return true;
  }
  return false;
}

bool ours(const message::Message& message, const Delivery& delivery) {
  for (const auto* field : message.find_all(kLoopField)) {
    std::string value(trim_space(message::unfold(field->value)));
    if (value.size() > 2 && value.front() == '<') value = value.substr(1, value.size() - 2);
    if (address_key(value) == address_key(delivery.recipient)) return true;
  }
  return false;
}

// RFC 3834 §2: bulk mail, mailing lists (RFC 2369, RFC 2919) and
// Exchange's explicit request not to answer.
std::string bulk_or_list(const message::Message& message) {
  std::string precedence = ascii_lower(trim_space(message.value("Precedence")));
  if (precedence == "bulk" || precedence == "junk" || precedence == "list")
    return "Precedence: " + precedence;
  static constexpr std::array<std::string_view, 7> kList = {
      "List-Id",   "List-Help",  "List-Unsubscribe", "List-Subscribe",
      "List-Post", "List-Owner", "List-Archive"};
  for (auto name : kList)
    if (message.find(name) != nullptr) return "a list message (" + std::string(name) + ")";
  std::string suppress = ascii_lower(message.value("X-Auto-Response-Suppress"));
  if (suppress.find("all") != std::string::npos || suppress.find("oof") != std::string::npos)
    return "X-Auto-Response-Suppress: " + suppress;
  return {};
}

std::vector<std::string> user_addresses(const Vacation& vacation, const Delivery& delivery) {
  std::vector<std::string> keys;
  auto add = [&](std::string_view address) {
    if (!address.empty()) keys.push_back(address_key(address));
  };
  add(delivery.recipient);
  add(delivery.original_recipient);
  for (const auto& address : vacation.addresses) {
    if (auto mailbox = message::parse_mailbox(address)) add(mailbox->addr_spec());
  }
  if (auto from = message::parse_mailbox(vacation.from)) add(from->addr_spec());
  return keys;
}

}  // namespace

std::string vacation_refusal(const message::Message& message, const Vacation& vacation,
                             const Delivery& delivery) {
  // RFC 3834 §2: never answer the null reverse-path (bounces, reports).
  if (delivery.sender.empty()) return "the envelope sender is <> (a bounce or report)";
  if (auto system = system_sender(delivery.sender); !system.empty()) return system;
  if (auto_submitted(message)) return "Auto-Submitted: " + message.value("Auto-Submitted");
  if (auto bulk = bulk_or_list(message); !bulk.empty()) return bulk;
  if (ours(message, delivery)) return "it carries our own " + std::string(kLoopField) + " field";
  const auto mine = user_addresses(vacation, delivery);
  if (std::find(mine.begin(), mine.end(), address_key(delivery.sender)) != mine.end())
    return "the sender is the user";
  // RFC 5230 §4.5: answer only mail addressed to the user, not Bcc'd
  // copies of list mail or messages for an alias the user did not name.
  for (std::string_view name : {"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"}) {
    for (const auto& address : message.addresses(name))
      if (std::find(mine.begin(), mine.end(), address_key(address.addr_spec())) != mine.end())
        return {};
  }
  return "none of the user's addresses is in To, Cc or Bcc (RFC 5230 §4.5)";
}

std::string notify_refusal(const message::Message& message, const Delivery& delivery) {
  if (auto_submitted(message))
    return "Auto-Submitted: " + message.value("Auto-Submitted") + " (RFC 5436 §2.7)";
  if (ours(message, delivery)) return "it carries our own " + std::string(kLoopField) + " field";
  return {};
}

std::string vacation_key(const Vacation& vacation, std::string_view sender) {
  return "vacation\x1f" + vacation.handle + '\x1f' + address_key(sender);
}

}  // namespace mailroom::sieve
