// Building the vacation reply (RFC 5230 §5, RFC 3834 §3) and the mailto
// notification (RFC 5436 §2.7). Tests: outgoing_test.cpp.
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "mailroom/message/address.hpp"
#include "mailroom/message/header.hpp"
#include "mailroom/sieve/outgoing.hpp"
#include "mailroom/util/text.hpp"
#include "sieve/mime_encode.hpp"
#include "sieve/sending.hpp"

namespace mailroom::sieve {
namespace {

// RFC 5322 §3.3, in UTC: "Mon, 07 Dec 2026 12:00:00 +0000".
std::string rfc5322_date(std::time_t when) {
  std::tm tm{};
  ::gmtime_r(&when, &tm);
  char text[64];
  (void)std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return text;
}

// RFC 5322 §3.6.4: unique by time, process and a counter.
std::string message_id(const Delivery& delivery) {
  static unsigned counter = 0;
  char text[96];
  (void)std::snprintf(text, sizeof text, "<sieve.%lld.%d.%u@", static_cast<long long>(delivery.now),
                      static_cast<int>(::getpid()), ++counter);
  return text + (delivery.hostname.empty() ? std::string("localhost") : delivery.hostname) + ">";
}

void add_field(std::string& head, std::string_view name, std::string_view value) {
  head.append(name).append(": ").append(value) += '\n';
}

// The From of what we send: the script's :from ("Name <addr>" kept, the
// name encoded), else the recipient.
std::string from_field(std::string_view given, std::string_view recipient) {
  if (!given.empty())
    if (auto mailbox = message::parse_mailbox(given))
      return encode_mailbox(mailbox->display_name, mailbox->addr_spec());
  return "<" + std::string(recipient) + ">";
}

// A text/plain UTF-8 body with the transfer encoding it needs.
void add_text_body(std::string& head, std::string& body, std::string_view text) {
  std::string lf = to_lf(text);
  std::string_view encoding = choose_transfer_encoding(lf);
  add_field(head, "Content-Type", "text/plain; charset=utf-8");
  add_field(head, "Content-Transfer-Encoding", encoding);
  body = encode_body(lf, encoding);
}

// RFC 5230 §4.8 :mime: the reason is a MIME entity, header and body; its
// fields join ours (RFC 2045 §3: the top-level entity's header is the
// message's).
void add_mime_body(std::string& head, std::string& body, std::string_view entity) {
  std::string lf = to_lf(entity);
  auto split = lf.find("\n\n");
  if (lf.rfind('\n', 0) == 0) split = 0;  // no fields: all body
  if (split == std::string::npos) {
    add_text_body(head, body, lf);
    return;
  }
  std::string fields = lf.substr(0, split);
  if (!fields.empty()) head.append(fields) += '\n';
  body = lf.substr(split + (split == 0 ? 1 : 2));
}

// RFC 5230 §4.5 via RFC 5322 §3.6.4: References is the original's
// References (or In-Reply-To) plus its Message-ID.
void add_threading(std::string& head, const message::Message& message) {
  std::string id(trim_space(message.value("Message-ID")));
  if (id.empty()) return;
  add_field(head, "In-Reply-To", id);
  std::string references(trim_space(message.value("References")));
  if (references.empty()) references = std::string(trim_space(message.value("In-Reply-To")));
  add_field(head, "References", references.empty() ? id : references + "\n " + id);
}

std::string assemble(const std::string& head, const std::string& body) {
  return head + "\n" + body;
}

}  // namespace

Outgoing vacation_reply(const message::Message& message, const Action& action,
                        const Delivery& delivery) {
  const Vacation& vacation = *action.vacation;
  Outgoing out;
  out.recipients = {delivery.sender};
  std::string head;
  add_field(head, "From", from_field(vacation.from, delivery.recipient));
  add_field(head, "To", "<" + delivery.sender + ">");
  // §4.5: "Auto: " and the original subject unless the script gave one.
  std::string subject = vacation.subject;
  if (subject.empty()) {
    std::string original = message.subject();
    subject = original.empty() ? "Automated reply" : "Auto: " + original;
  }
  add_field(head, "Subject", encode_header_text(subject, 9));
  add_field(head, "Date", rfc5322_date(delivery.now));
  add_field(head, "Message-ID", message_id(delivery));
  add_threading(head, message);
  // RFC 3834 §5: marks the reply as automatic, so other responders stay quiet.
  add_field(head, "Auto-Submitted", "auto-replied");
  add_field(head, kLoopField, "<" + delivery.recipient + ">");
  add_field(head, "MIME-Version", "1.0");
  std::string body;
  if (vacation.mime) {
    add_mime_body(head, body, action.reason);
  } else {
    add_text_body(head, body, action.reason);
  }
  out.text = assemble(head, body);
  return out;
}

Outgoing mailto_notification(const message::Message& message, const Action& action,
                             const Delivery& delivery) {
  const Notify& notify = *action.notify;
  Outgoing out;
  out.envelope_from = delivery.recipient;
  std::string why;
  auto uri = parse_mailto(action.target, why);
  if (!uri) return out;  // checked when the script ran: not reached
  out.recipients = uri->to;
  std::string head;
  add_field(head, "From", from_field(notify.from, delivery.recipient));
  std::string to;
  for (const auto& address : uri->to) {
    if (!to.empty()) to += ", ";
    to += "<" + address + ">";
  }
  add_field(head, "To", to);
  std::string summary = notify.message;
  if (summary.empty()) {
    // RFC 5435 §3.6: the default names the sender and the subject.
    std::string from = message.value("From");
    summary = "New mail from " + (from.empty() ? delivery.sender : from) + ": " + message.subject();
  }
  std::string subject = summary;
  for (const auto& [name, value] : uri->headers) {
    if (iequals(name, "Subject")) {
      subject = value;
      continue;
    }
    add_field(head, name, encode_header_text(value, name.size() + 2));
  }
  add_field(head, "Subject", encode_header_text(subject, 9));
  add_field(head, "Date", rfc5322_date(delivery.now));
  add_field(head, "Message-ID", message_id(delivery));
  // RFC 5435 §3.4 and the common fields for it: 1 high, 3 low.
  if (notify.importance == "1") add_field(head, "Importance", "high");
  if (notify.importance == "3") add_field(head, "Importance", "low");
  // RFC 5436 §2.7: "auto-notified", so no responder answers it.
  add_field(head, "Auto-Submitted", "auto-notified");
  add_field(head, kLoopField, "<" + delivery.recipient + ">");
  add_field(head, "MIME-Version", "1.0");
  std::string body;
  add_text_body(head, body, uri->body.empty() ? summary : uri->body);
  out.text = assemble(head, body);
  return out;
}

}  // namespace mailroom::sieve
