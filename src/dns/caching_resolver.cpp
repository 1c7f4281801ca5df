#include "mailroom/dns/caching_resolver.hpp"

namespace mailroom::dns {

Result<Answer> CachingResolver::query(std::string_view name, RecordType type, Deadline deadline) {
  Key key{canonical_name(name), type};
  if (auto it = entries_.find(key); it != entries_.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  Result<Answer> answer = inner_.query(name, type, deadline);
  // Errors are kept too: within one delivery, asking a server that just
  // timed out again only spends the rest of the budget (RFC 7208 §4.6.4
  // wants the whole check bounded in time).
  if (entries_.size() < max_entries_) entries_.emplace(std::move(key), answer);
  return answer;
}

void CachingResolver::send_ahead(std::string_view name, RecordType type) {
  if (entries_.contains(Key{canonical_name(name), type})) return;
  inner_.send_ahead(name, type);
}

}  // namespace mailroom::dns
