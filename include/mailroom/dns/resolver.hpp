// The one DNS interface that SPF, DKIM, DMARC and ARC use. Implementations:
// StubResolver (the network), CachingResolver (one delivery's cache) and
// StaticResolver (tests and benchmarks).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/dns/deadline.hpp"
#include "mailroom/dns/ip_address.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dns {

enum class RecordType : std::uint16_t {
  a = 1,
  cname = 5,  // StaticResolver only: StubResolver follows CNAMEs but never asks for one
  ptr = 12,
  mx = 15,
  txt = 16,
  aaaa = 28,
};

[[nodiscard]] std::string_view to_string(RecordType type);

// NXDOMAIN and NODATA are answers, not errors: SPF counts them as "void
// lookups" (RFC 7208 §4.6.4) and DKIM maps them to a permanent failure.
enum class AnswerKind : std::uint8_t {
  records,   // RCODE 0 with at least one record of the asked type
  nxdomain,  // RCODE 3: the name does not exist
  nodata,    // RCODE 0, the name exists but has no record of this type
};

struct MxRecord {
  std::uint16_t preference = 0;
  std::string exchange;  // without the trailing dot; empty for a null MX (RFC 7505)
  friend bool operator==(const MxRecord&, const MxRecord&) = default;
};

// Only the member that matches the query type is filled.
struct Answer {
  AnswerKind kind = AnswerKind::nodata;
  // TXT: one entry per record, its character-strings joined without a
  // separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
  std::vector<std::string> texts;
  std::vector<IpAddress> addresses;  // A, AAAA
  std::vector<MxRecord> exchanges;   // MX
  std::vector<std::string> names;    // PTR, CNAME (without the trailing dot)

  [[nodiscard]] bool is_void() const { return kind != AnswerKind::records; }
  static Answer of(AnswerKind kind) {
    Answer answer;
    answer.kind = kind;
    return answer;
  }
  static Answer nxdomain() { return of(AnswerKind::nxdomain); }
  static Answer nodata() { return of(AnswerKind::nodata); }
};

// Errors: ErrorKind::temporary for a timeout, SERVFAIL, REFUSED, a network
// failure or a spent deadline (callers map it to SPF/DKIM "temperror");
// ErrorKind::parse for a name that cannot be asked; ErrorKind::config for a
// bad server setting.
class Resolver {
 public:
  Resolver() = default;
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;
  virtual ~Resolver() = default;

  // `name` is absolute, with or without the trailing dot; never searched.
  virtual Result<Answer> query(std::string_view name, RecordType type, Deadline deadline) = 0;

  // A hint that query(name, type) will follow: a resolver that can send
  // the question now does, so that the answers to independent questions
  // (an SPF record, DKIM keys, a DMARC record) travel at the same time
  // instead of one round trip after another. Never fails; an invalid name
  // or a full queue is simply not sent ahead.
  virtual void send_ahead(std::string_view /*name*/, RecordType /*type*/) {}

  // Work the caller would do later anyway (OpenSSL's set-up before a DKIM
  // check): a resolver that is about to wait on the network runs it then,
  // once, so the wait is not idle; one whose answers are already in (or
  // that never waits) drops it and the work happens when it is needed.
  // Speculative work is thus never done when there is nothing to overlap
  // it with. `work` must not throw.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): overrides keep it
  virtual void while_waiting(std::function<void()> /*work*/) {}
};

// Lower case, no trailing dot: the form caches and zone maps key on.
[[nodiscard]] std::string canonical_name(std::string_view name);

// RFC 1035 §2.3.4: 1..63 octets per label, at most 253 octets in all, no
// empty label. Says nothing about the characters (RFC 2181 §11).
[[nodiscard]] bool is_valid_query_name(std::string_view name);

}  // namespace mailroom::dns
