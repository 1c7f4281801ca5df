// The messages Sieve sends: the vacation reply (RFC 5230 §5, RFC 3834) and
// the mailto notification (RFC 5436 §2.7), and the rules that say when
// none may be sent. Pure functions of the incoming message and the
// delivery: the pipeline sends the result through sendmail, `mailroom
// sieve test` only explains it.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/sieve/action.hpp"

namespace mailroom::sieve {

// Our trace field on every vacation reply and notification we send: its
// value is the recipient whose script sent it. A message that carries it
// for this recipient came round a loop and is not answered again.
inline constexpr std::string_view kLoopField = "X-Mailroom-Loop";

struct Delivery {
  std::string sender;     // the envelope sender; "" = the null reverse-path <>
  std::string recipient;  // the final recipient, the script's owner
  std::string original_recipient;
  std::time_t now = 0;
  std::string hostname;  // for Message-ID
};

// RFC 3834 §2 and RFC 5230 §4.5, §4.6: why no vacation reply may go to
// this message's sender, or "" when one may. Checked in this order: the
// null sender, system and no-reply senders (MAILER-DAEMON, LISTSERV,
// owner-*, *-request, noreply, no-reply, do-not-reply, bounce*),
// Auto-Submitted other than "no", Precedence bulk/junk/list, List-*
// fields, X-Auto-Response-Suppress, our loop field, a sender that is the
// user, and a message that names none of the user's addresses in To, Cc,
// Bcc, Resent-To, Resent-Cc or Resent-Bcc.
[[nodiscard]] std::string vacation_refusal(const message::Message& message,
                                           const Vacation& vacation, const Delivery& delivery);

// RFC 5436 §2.7: no notification about an auto-submitted message (nor one
// of ours coming back); "" when one may be sent.
[[nodiscard]] std::string notify_refusal(const message::Message& message, const Delivery& delivery);

// A message ready for sendmail: LF line ends, header and body.
struct Outgoing {
  std::string envelope_from;  // "" = the null reverse-path <>
  std::vector<std::string> recipients;
  std::string text;
};

// RFC 5230 §5: to the envelope sender, with the null reverse-path (RFC
// 3834 §3.3: no bounce may answer an automatic reply), with In-Reply-To, References,
// Auto-Submitted: auto-replied, the subject "Auto: <original>" unless :subject, and the reason as
// text/plain UTF-8 (or, with :mime, as the MIME entity it is).
[[nodiscard]] Outgoing vacation_reply(const message::Message& message, const Action& vacation,
                                      const Delivery& delivery);

// RFC 5436 §2.7 mailto: to the URI's recipients, Auto-Submitted:
// auto-notified, the subject from the URI, else :message, else a summary
// of the message. The envelope sender is the script's owner, so a failed
// notification goes back to the person who asked for it.
[[nodiscard]] Outgoing mailto_notification(const message::Message& message, const Action& notify,
                                           const Delivery& delivery);

// The key of the vacation response record (RFC 5230 §4.2): the handle and
// the sender it answered.
[[nodiscard]] std::string vacation_key(const Vacation& vacation, std::string_view sender);

}  // namespace mailroom::sieve
