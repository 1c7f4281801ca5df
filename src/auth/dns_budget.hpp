// One message's DNS time, shared out between the checks (issue 12).
//
// A sender who controls only the envelope domain can make SPF slow: an
// include: chain answered 1.5 s at a time (RFC 7208 §4.6.4 allows ten
// lookups). With one budget for everything, SPF spent it all and DKIM and
// DMARC then ended in temperror, so a spoofed From whose domain publishes
// p=reject was stamped dmarc=temperror instead of dmarc=fail. Now each
// check has its own end inside the budget: SPF the first half, DKIM and ARC
// up to three quarters, DMARC the whole. And an answer that has already
// arrived (the questions are sent ahead, ask_ahead.hpp) is taken even after
// the check's time is spent: only new questions and waiting are refused.
#pragma once

#include <chrono>
#include <string_view>

#include "mailroom/dns/deadline.hpp"
#include "mailroom/dns/resolver.hpp"

namespace mailroom::auth {

struct CheckDeadlines {
  dns::Deadline spf;
  dns::Deadline dkim;   // and ARC
  dns::Deadline dmarc;  // the end of the message's budget
};

// The only place the message's DNS deadlines are computed.
[[nodiscard]] CheckDeadlines share_budget(std::chrono::milliseconds budget);

// Every query gets the earlier of its own timeout and its check's end. A
// query made after that end still reaches `inner` with the spent deadline:
// the stub resolver then returns an answer already received and waits for
// nothing. Every error but ErrorKind::parse comes back temporary.
class BudgetResolver final : public dns::Resolver {
 public:
  BudgetResolver(dns::Resolver& inner, dns::Deadline check_end, std::chrono::milliseconds timeout)
      : inner_(inner), check_end_(check_end), timeout_(timeout) {}
  Result<dns::Answer> query(std::string_view name, dns::RecordType type,
                            dns::Deadline deadline) override;
  void send_ahead(std::string_view name, dns::RecordType type) override;
  void while_waiting(std::function<void()> work) override;

 private:
  dns::Resolver& inner_;
  dns::Deadline check_end_;
  std::chrono::milliseconds timeout_;
};

}  // namespace mailroom::auth
