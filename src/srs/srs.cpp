// SRS forward and reverse, the "guarded" scheme of the SRS paper as
// libsrs2 (srs_forward, srs_compile_guarded, srs_parse_guarded) and
// Mail::SRS::Guarded implement it: SRS0 for a sender we forward first,
// SRS1 for an SRS address of another forwarder, so that the return path
// never grows past two hops.
#include <chrono>
#include <string>

#include "mailroom/srs/srs.hpp"
#include "srs/srs_internal.hpp"

namespace mailroom::srs {
namespace {

constexpr char kSeparator = '=';         // SRSSEP; after the tag, '+' and '-' are read too
constexpr unsigned kMaxHashLength = 27;  // base64 of a SHA-1, without padding

bool is_tag(std::string_view local, char digit) {
  return local.size() > 4 && (local[0] == 'S' || local[0] == 's') &&
         (local[1] == 'R' || local[1] == 'r') && (local[2] == 'S' || local[2] == 's') &&
         local[3] == digit && (local[4] == '=' || local[4] == '+' || local[4] == '-');
}

std::int64_t now(const Options& options) {
  if (options.clock) return options.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status check_options(const Options& options) {
  if (options.secrets.empty() || options.secrets.front().empty())
    return fail(ErrorKind::config, "SRS needs a secret (srs.secrets or srs.secret_file)");
  if (options.domain.empty()) return fail(ErrorKind::config, "SRS needs srs.domain");
  if (options.hash_length < 1 || options.hash_length > kMaxHashLength)
    return fail(ErrorKind::config, "srs.hash_length must be 1 to 27");
  return ok();
}

// Splits off the next '='-separated field of `rest`; false when there is none.
bool next_field(std::string_view& rest, std::string_view& field) {
  auto at = rest.find(kSeparator);
  if (at == std::string_view::npos) return false;
  field = rest.substr(0, at);
  rest.remove_prefix(at + 1);
  return true;
}

struct Address {
  std::string_view local;
  std::string_view domain;
};

Result<Address> split(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size())
    return fail(ErrorKind::parse, "'" + std::string(address) + "' is not local@domain");
  return Address{address.substr(0, at), address.substr(at + 1)};
}

std::string join(std::initializer_list<std::string_view> parts, std::string_view domain) {
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out.push_back(kSeparator);
    out += part;
  }
  return out.append("@").append(domain);
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// SRS1=HASH=HOST=REST where REST keeps the separator that followed SRS0 of
// the first forwarder ("=HHHH=TT=orig=user"): the hash covers HOST and REST.
std::string srs1(const Options& options, std::string_view host, std::string_view rest) {
  std::string h = hash(options.secrets.front(), {host, rest}, options.hash_length);
  return "SRS1=" + join({h, host, rest}, options.domain);
}

Result<std::string> reverse_srs0(const Options& options, std::string_view local) {
  std::string_view rest = local.substr(5);
  std::string_view given, stamp, host;
  if (!next_field(rest, given) || !next_field(rest, stamp) || !next_field(rest, host) ||
      rest.empty() || host.empty())
    return fail(ErrorKind::rejected, "malformed SRS0 address");
  if (!hash_matches(options, given, {stamp, host, rest}))
    return fail(ErrorKind::rejected, "SRS0 hash does not verify (forged or another secret)");
  if (!timestamp_fresh(stamp, now(options), options.max_age_days))
    return fail(ErrorKind::rejected, "SRS0 address expired (older than " +
                                         std::to_string(options.max_age_days) + " days)");
  return std::string(rest).append("@").append(host);
}

Result<std::string> reverse_srs1(const Options& options, std::string_view local) {
  std::string_view rest = local.substr(5);
  std::string_view given, host;
  if (!next_field(rest, given) || !next_field(rest, host) || host.empty() || rest.empty())
    return fail(ErrorKind::rejected, "malformed SRS1 address");
  if (!hash_matches(options, given, {host, rest}))
    return fail(ErrorKind::rejected, "SRS1 hash does not verify (forged or another secret)");
  return "SRS0" + std::string(rest) + "@" + std::string(host);
}

// Out of memory: no exception leaves the module.
template <class F>
Result<std::string> guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return fail(ErrorKind::internal, std::string("SRS: ") + e.what());
  }
}

Result<std::string> forward_address(const Options& options, std::string_view sender) {
  if (sender.empty()) return std::string();
  if (auto ready = check_options(options); !ready) return tl::unexpected(ready.error());
  auto parts = split(sender);
  if (!parts) return tl::unexpected(parts.error());
  if (iequal(parts->domain, options.domain)) return std::string(sender);
  if (is_tag(parts->local, '1')) {
    std::string_view rest = parts->local.substr(5);
    std::string_view old_hash, host;
    if (next_field(rest, old_hash) && next_field(rest, host) && !host.empty())
      return srs1(options, host, rest);
  }
  if (is_tag(parts->local, '0')) return srs1(options, parts->domain, parts->local.substr(4));
  std::string stamp = timestamp(now(options));
  std::string h =
      hash(options.secrets.front(), {stamp, parts->domain, parts->local}, options.hash_length);
  return "SRS0=" + join({h, stamp, parts->domain, parts->local}, options.domain);
}

Result<std::string> reverse_address(const Options& options, std::string_view address) {
  if (auto ready = check_options(options); !ready) return tl::unexpected(ready.error());
  auto parts = split(address);
  if (!parts) return tl::unexpected(parts.error());
  if (is_tag(parts->local, '0')) return reverse_srs0(options, parts->local);
  if (is_tag(parts->local, '1')) return reverse_srs1(options, parts->local);
  return fail(ErrorKind::parse, "'" + std::string(address) + "' is not an SRS address");
}

}  // namespace

bool is_srs_address(std::string_view address) noexcept {
  auto at = address.rfind('@');
  auto local = address.substr(0, at == std::string_view::npos ? address.size() : at);
  return is_tag(local, '0') || is_tag(local, '1');
}

Result<std::string> forward(const Options& options, std::string_view sender) {
  return guarded([&] { return forward_address(options, sender); });
}

Result<std::string> reverse(const Options& options, std::string_view address) {
  return guarded([&] { return reverse_address(options, address); });
}

}  // namespace mailroom::srs
