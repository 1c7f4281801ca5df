// Fuzzes the Sieve interpreter on random messages: a few fixed scripts that
// use every test, match type, comparator and address part run over the
// input as a message. The first byte picks the script and the envelope.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "mailroom/sieve/outgoing.hpp"

using namespace mailroom;  // NOLINT: a fuzz target is one small function

namespace {

constexpr std::array<const char*, 6> kScripts = {
    R"(require ["fileinto", "copy", "envelope", "comparator-i;ascii-numeric", "subaddress",
         "relational"];
if header :matches "subject" ["*[list]*", "?*?", "\\*"] { fileinto :copy "Lists"; }
if address :domain :contains ["from", "to", "cc", "sender"] "example" { fileinto "Ex"; }
if address :detail :matches "reply-to" "*+*" { redirect :copy "a@example.com"; }
if envelope :user :is "to" "bob" { fileinto "Bob"; }
if header :value "le" :comparator "i;ascii-numeric" "x-priority" "1" { keep; }
if address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] "3" { fileinto "Many"; }
if envelope :all :matches ["from", "to"] "*@*" { fileinto "Env"; }
if anyof (size :over 10K, not exists ["date", "message-id"]) { discard; stop; })",
    R"(if header :contains :comparator "i;octet" ["received", "x-spam-level"] ["***", ""] {
  discard;
} elsif address :all :is ["resent-from", "bcc"] "" { redirect "b@example.net"; }
else { keep; })",
    R"(require ["fileinto", "body"];
if allof (header :matches "from" "*", address :all :matches "from" "*?@?*") {
  fileinto "From";
}
if header :matches "content-type" "multipart/*" { fileinto "Multi"; }
if body :content ["text", "multipart", "application/octet-stream"] :contains "x" { fileinto "B"; }
if anyof (body :raw :matches "*--*", body :text :contains "offer") { discard; })",
    R"(require ["variables", "fileinto", "relational", "envelope", "imap4flags"];
if header :matches "subject" "[*] *?*" { set :lower :upperfirst "list" "${1}"; }
if address :matches "from" "*@*" { set :quotewildcard "user" "${1}"; }
set :length "n" "${0}${list}";
if header :matches "subject" "*${user}*" { fileinto "U/${1}${2}"; }
if string :count "ge" ["${list}", "${n}", ""] "2" { fileinto "L/${list}"; }
if envelope :matches "to" "*+*@*" { fileinto "${2}"; }
if header :matches "x-flags" "*" { setflag "f" "${1}"; addflag "${1} \\Seen"; }
if hasflag :count "ge" "f" "2" { removeflag "$Junk"; fileinto :flags "${f}" "F"; })",
    R"(require ["vacation", "enotify", "duplicate", "variables", "fcc", "fileinto"];
if duplicate :header "subject" { fileinto "Dup"; }
if header :matches "subject" "*" { set "s" "${1}"; }
vacation :subject "Re: ${s}" :addresses ["bob@example.net"] "Away: ${s}";
notify :message "${s}" "mailto:pager@example.com?subject=x&body=y";)",
    R"(require ["date", "index", "regex", "variables", "fileinto", "environment", "spamtest",
         "comparator-i;unicode-casemap", "relational"];
if date :originalzone :matches "date" "std11" "*" { set "d" "${1}"; }
if date :index 2 :last :zone "-0930" :value "lt" "received" "iso8601" "2000" { fileinto "Old"; }
if header :regex "subject" "^(re|fwd?):[[:space:]]*(.*)$" { fileinto "R/${2}"; }
if address :regex :comparator "i;octet" :domain "from" "(.+)\.(com|org)$" { set "d" "${1}"; }
if header :comparator "i;unicode-casemap" :matches ["subject", "from"] "*STRASSE*" { keep; }
if environment :contains "location" "M" { set "x" "${d}"; }
if spamtest :value "ge" "5" { discard; })",
};

const sieve::Program& program(std::size_t i) {
  static const auto programs = [] {
    std::array<sieve::Program, kScripts.size()> out;
    for (std::size_t k = 0; k < kScripts.size(); ++k) {
      auto compiled = sieve::compile(kScripts[k]);
      if (!compiled) std::abort();  // the scripts themselves must compile
      out[k] = std::move(*compiled);
    }
    return out;
  }();
  return programs[i];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t pick = data[0] % kScripts.size();
  const sieve::Envelope envelope = (data[0] & 0x80) != 0
                                       ? sieve::Envelope{"", "bob@example.net"}
                                       : sieve::Envelope{"alice@example.org", "bob+x@example.net"};
  auto buffer = std::make_shared<const message::Buffer>(
      message::Buffer::from_string(std::string(reinterpret_cast<const char*>(data + 1), size - 1)));
  auto message = message::Message::parse(buffer);
  auto outcome = sieve::run(program(pick), message, envelope);
  if (outcome.actions.empty() || outcome.error) std::abort();  // these scripts never fail
  // The reply and the notification are built from the untrusted message.
  const sieve::Delivery delivery{envelope.from, "bob@example.net", envelope.to, 1796644800, "mx"};
  for (const auto& action : outcome.actions) {
    if (action.kind == sieve::ActionKind::vacation) {
      (void)sieve::vacation_refusal(message, *action.vacation, delivery);
      if (sieve::vacation_reply(message, action, delivery).text.empty()) std::abort();
    }
    if (action.kind == sieve::ActionKind::notify) {
      (void)sieve::notify_refusal(message, delivery);
      if (sieve::mailto_notification(message, action, delivery).recipients.empty()) std::abort();
    }
  }
  return 0;
}
