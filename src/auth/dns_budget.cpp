#include "dns_budget.hpp"

#include <utility>

namespace mailroom::auth {

CheckDeadlines share_budget(std::chrono::milliseconds budget) {
  const auto start = dns::Deadline::Clock::now();
  // SPF is the one check with chains of lookups a sender controls; DKIM
  // needs one key per signature, DMARC at most two records. The shares are
  // ends, not slices: time SPF leaves unused is DKIM's and DMARC's.
  return CheckDeadlines{dns::Deadline::at(start + budget / 2),
                        dns::Deadline::at(start + budget * 3 / 4),
                        dns::Deadline::at(start + budget)};
}

Result<dns::Answer> BudgetResolver::query(std::string_view name, dns::RecordType type,
                                          dns::Deadline deadline) {
  auto answer =
      inner_.query(name, type, deadline.min(check_end_).min(dns::Deadline::after(timeout_)));
  // A resolver that cannot work (a malformed server setting, no socket) is
  // a failure here, like a timeout: temperror (RFC 7208 §2.6.6, RFC 7489
  // §6.6.3), never a verdict about the sender's records. Only a name that
  // cannot be asked stays the sender's problem.
  if (!answer && answer.error().kind != ErrorKind::parse)
    answer.error().kind = ErrorKind::temporary;
  return answer;
}

void BudgetResolver::send_ahead(std::string_view name, dns::RecordType type) {
  if (!check_end_.expired()) inner_.send_ahead(name, type);
}

void BudgetResolver::while_waiting(std::function<void()> work) {
  inner_.while_waiting(std::move(work));
}

}  // namespace mailroom::auth
