// Remembers answers for the life of one delivery: SPF, DKIM and DMARC ask
// for the same names (the From domain's TXT, MX hosts) and a name that
// timed out once must not spend the message's time budget twice.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "mailroom/dns/resolver.hpp"

namespace mailroom::dns {

class CachingResolver final : public Resolver {
 public:
  // `inner` must outlive this object.
  explicit CachingResolver(Resolver& inner, std::size_t max_entries = 1024)
      : inner_(inner), max_entries_(max_entries) {}

  Result<Answer> query(std::string_view name, RecordType type, Deadline deadline) override;
  void send_ahead(std::string_view name, RecordType type) override;
  void while_waiting(std::function<void()> work) override { inner_.while_waiting(std::move(work)); }

  [[nodiscard]] std::size_t hits() const { return hits_; }
  [[nodiscard]] std::size_t misses() const { return misses_; }
  void clear() { entries_.clear(); }

 private:
  using Key = std::pair<std::string, RecordType>;
  Resolver& inner_;
  std::size_t max_entries_;
  std::map<Key, Result<Answer>> entries_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace mailroom::dns
