#include "deliver/trace_headers.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "mailroom/util/text.hpp"

namespace mailroom::deliver {
namespace {

struct TraceScan {
  bool return_path_this_hop = false;
  int delivered_to_this_hop = 0;  // naming our recipient, above the first Received:
  int delivered_to_earlier = 0;   // naming our recipient, below it
};

TraceScan scan(const message::Message& message, std::string_view recipient) {
  TraceScan result;
  bool this_hop = true;
  for (const auto& field : message.headers()) {
    if (iequals(field.name, "Received")) this_hop = false;
    if (this_hop && iequals(field.name, "Return-Path")) result.return_path_this_hop = true;
    if (!iequals(field.name, "Delivered-To")) continue;
    if (!iequals(normalize_sender(message::unfold(field.value)), recipient)) continue;
    (this_hop ? result.delivered_to_this_hop : result.delivered_to_earlier) += 1;
  }
  return result;
}

}  // namespace

Result<std::string> trace_headers(const message::Message& message, const Envelope& envelope,
                                  const DeliverConfig& config) {
  const std::string& recipient = envelope.final_recipient;
  auto found = scan(message, recipient);
  if (config.loop_check && !recipient.empty() &&
      (found.delivered_to_earlier > 0 || found.delivered_to_this_hop > 1))
    // ELOOP: exit_code.hpp gives it RFC 3463's 5.4.6 (routing loop detected).
    return fail(ErrorKind::rejected,
                "mail loop: the message already carries Delivered-To: " + recipient, ELOOP);
  std::string prefix;
  if (config.add_return_path && !found.return_path_this_hop && envelope.sender)
    prefix += "Return-Path: <" + *envelope.sender + ">\n";
  if (config.add_delivered_to && found.delivered_to_this_hop == 0 && !recipient.empty())
    prefix += "Delivered-To: " + recipient + "\n";
  return prefix;
}

}  // namespace mailroom::deliver
