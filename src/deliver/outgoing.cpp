#include "deliver/outgoing.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "deliver/sendmail.hpp"
#include "mailroom/auth/arc_sign.hpp"
#include "mailroom/srs/srs.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {
namespace {

constexpr std::size_t kMaxKeyFile = 64 << 10;

UniqueFd open_if_set(const std::string& path, std::string_view key) {
  if (path.empty()) return {};
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) log::warn("{} {} cannot be opened: {}", key, path, std::strerror(errno));
  return fd;
}

Result<std::string> read_key(int fd, const std::string& path) {
  if (fd < 0) return fail(ErrorKind::config, "arc_seal.key " + path + " is not open");
  std::string text;
  char chunk[4096];
  for (off_t at = 0;;) {
    ssize_t n = ::pread(fd, chunk, sizeof chunk, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::config, "cannot read " + path, errno);
    if (n == 0) return text;
    text.append(chunk, static_cast<std::size_t>(n));
    at += n;
    if (text.size() > kMaxKeyFile) return fail(ErrorKind::config, path + " is too large");
  }
}

std::string rewrite_sender(const Config& config, const OutgoingKeys& keys, std::string_view sender,
                           std::string& note) {
  if (config.srs.domain.empty()) return std::string(sender);
  auto options = srs::options_from(config.srs, keys.srs_secrets.get());
  auto rewritten = options ? srs::forward(*options, sender)
                           : Result<std::string>(tl::unexpected(options.error()));
  if (!rewritten) {
    log::warn("SRS: sender <{}> not rewritten: {}", sender, rewritten.error().message);
    return std::string(sender);
  }
  if (*rewritten != sender) note += " srs=<" + *rewritten + ">";
  return *rewritten;
}

auth::ArcSealOptions seal_options(const ArcSealConfig& config) {
  auth::ArcSealOptions options;
  options.domain = config.domain;
  options.selector = config.selector;
  if (!config.headers.empty()) options.headers = config.headers;
  return options;
}

std::string seal(const Config& config, const OutgoingKeys& keys, const message::Message& message,
                 const auth::AuthResults* auth, std::string& note) {
  if (config.arc_seal.domain.empty()) return {};
  if (auth == nullptr || auth->header_value.empty()) {
    log::warn("ARC: not sealed: authentication is off (auth.enabled), nothing to record");
    return {};
  }
  auto pem = read_key(keys.arc_key.get(), config.arc_seal.key);
  auto key = pem ? auth::SigningKey::from_pem(*pem)
                 : Result<auth::SigningKey>(tl::unexpected(pem.error()));
  if (!key) {
    log::warn("ARC: not sealed: arc_seal.key {}: {}", config.arc_seal.key, key.error().message);
    return {};
  }
  auto set = auth::arc_seal(message.headers(), message.body(), *key, seal_options(config.arc_seal),
                            auth->header_value, auth->arc.status);
  if (!set) {
    log::warn("ARC: not sealed: {}", set.error().message);
    return {};
  }
  if (!set->has_value()) {
    note += " arc=not-sealed(chain ended)";
    return {};
  }
  note += " arc=i=" + std::to_string((*set)->instance) +
          ",cv=" + std::string(auth::to_string((*set)->cv));
  return (*set)->text();
}

}  // namespace

OutgoingKeys open_outgoing_keys(const Config& config) {
  OutgoingKeys keys;
  if (!config.arc_seal.domain.empty())
    keys.arc_key = open_if_set(config.arc_seal.key, "arc_seal.key");
  if (!config.srs.domain.empty())
    keys.srs_secrets = open_if_set(config.srs.secret_file, "srs.secret_file");
  return keys;
}

Outgoing prepare_outgoing(const Config& config, const OutgoingKeys& keys,
                          const message::Message& message, std::string_view sender,
                          const auth::AuthResults* auth) {
  Outgoing out;
  out.sender = rewrite_sender(config, keys, sender, out.note);
  out.head = seal(config, keys, message, auth, out.note);
  return out;
}

bool is_our_srs_address(const SrsConfig& config, std::string_view recipient) {
  if (config.domain.empty() || !srs::is_srs_address(recipient)) return false;
  auto at = recipient.rfind('@');
  return at != std::string_view::npos && iequals(recipient.substr(at + 1), config.domain);
}

Status return_bounce(const Config& config, const OutgoingKeys& keys, std::string_view recipient,
                     const std::string& sender, std::string_view message, std::string& where) {
  auto options = srs::options_from(config.srs, keys.srs_secrets.get());
  if (!options) return tl::unexpected(options.error());
  auto original = srs::reverse(*options, recipient);
  if (!original) {
    auto kind =
        original.error().kind == ErrorKind::config ? ErrorKind::config : ErrorKind::rejected;
    return fail(
        kind, "SRS address <" + std::string(recipient) + "> refused: " + original.error().message);
  }
  where = *original;
  return run_sendmail(config.sieve.sendmail, sender, {*original}, {}, message);
}

}  // namespace mailroom::deliver
