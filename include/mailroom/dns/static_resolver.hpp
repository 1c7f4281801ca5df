// A resolver answered from memory: tests, fuzzers and benchmarks load a zone
// into it and get the same answers every time, with no network.
//
// Each name holds an ordered list of entries. A query returns the records
// of the asked type; a name with no such record is NODATA, an unknown name
// NXDOMAIN. A "timeout" or "servfail" entry fails every query whose type has
// no record before it in the list (so "TXT then TIMEOUT" answers TXT and
// times out the rest, as in the RFC 7208 test suite). A CNAME is followed
// (at most 8 hops; a loop is a temporary error, like a resolver's SERVFAIL).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/dns/resolver.hpp"

namespace mailroom::dns {

class StaticResolver final : public Resolver {
 public:
  Result<Answer> query(std::string_view name, RecordType type, Deadline deadline) override;

  // Make a name exist with no records (NODATA for every type).
  void add_name(std::string_view name);
  void add_txt(std::string_view name, std::string text);
  void add_address(std::string_view name, const IpAddress& address);  // A or AAAA
  void add_mx(std::string_view name, std::uint16_t preference, std::string_view exchange);
  void add_ptr(std::string_view name, std::string_view target);
  void add_cname(std::string_view name, std::string_view target);
  void add_timeout(std::string_view name);
  void add_servfail(std::string_view name);

  // Zone text, one record a line: `name TYPE data`, '#' starts a comment.
  // TYPE is A, AAAA, MX (`pref exchange`), PTR, CNAME, TXT (the rest of the
  // line, or one or more "quoted strings" joined), TIMEOUT or SERVFAIL (no
  // data). Errors name the line.
  Status load(std::string_view zone_text);

  [[nodiscard]] std::size_t queries() const { return queries_; }

 private:
  enum class Fault : std::uint8_t { none, timeout, servfail };
  struct Entry {
    RecordType type = RecordType::txt;
    Fault fault = Fault::none;
    std::string text;  // TXT, PTR, CNAME target, MX exchange
    IpAddress address;
    std::uint16_t preference = 0;
  };

  void add(std::string_view name, Entry entry);
  Result<Answer> lookup(const std::string& name, RecordType type) const;

  std::map<std::string, std::vector<Entry>, std::less<>> zone_;
  std::size_t queries_ = 0;
};

}  // namespace mailroom::dns
