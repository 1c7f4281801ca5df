// The commands and tests that send or track messages: vacation (RFC 5230,
// RFC 6131), notify with mailto (RFC 5435, RFC 5436), duplicate (RFC
// 7352) and the :fcc argument (RFC 8580). The validator calls the
// validate_* functions; the interpreter's parts live in its own members.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sieve/validator.hpp"

namespace mailroom::sieve {

// RFC 5230 §4.1, Pigeonhole's defaults: replies at most once a day, 7 days
// when :days is not given.
constexpr std::uint64_t kVacationMinSeconds = 86400;
constexpr std::uint64_t kVacationDefaultSeconds = 7ULL * 86400;
// RFC 7352 §3.3: the implementation's default and ceiling for :seconds.
constexpr std::uint64_t kDuplicateDefaultSeconds = 14ULL * 86400;
constexpr std::uint64_t kDuplicateMaxSeconds = 28ULL * 86400;

std::optional<CompiledCommand> validate_vacation(Validator& v, const Command& command);
std::optional<CompiledCommand> validate_notify(Validator& v, const Command& command);
// duplicate [:handle] [:header / :uniqueid] [:seconds] [:last] (RFC 7352 §3)
std::optional<CompiledTest> validate_duplicate(Validator& v, const Test& test, CompiledTest out);
// valid_notify_method <uris> / notify_method_capability <uri> <capability>
// <keys> (RFC 5435 §5, §6); `args` are the positional arguments.
bool validate_notify_test(Validator& v, const Test& test, const std::vector<const Argument*>& args,
                          CompiledTest& out);

// RFC 6068 mailto: URI, percent-decoded. `to` holds the addresses of the
// path and of "to" fields; `headers` the other fields but body.
struct MailtoUri {
  std::vector<std::string> to;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
// nullopt with `why` set when `uri` is not a mailto URI we can send to.
std::optional<MailtoUri> parse_mailto(std::string_view uri, std::string& why);

// RFC 5435 §3.1: the URI's scheme, lower-cased ("" when it has none).
std::string uri_scheme(std::string_view uri);
// An address the mailto method can send from or to: local@domain.
bool plain_address(std::string_view address);

// RFC 5230 §4.2: without :handle, one is built from the arguments that
// shape the reply, so a changed reply is sent again. Pigeonhole's form.
std::string default_vacation_handle(const Vacation& vacation, std::string_view reason);

}  // namespace mailroom::sieve
