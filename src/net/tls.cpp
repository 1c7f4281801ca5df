#include "mailroom/net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

namespace mailroom::net {
namespace {

std::string openssl_error(const std::string& what) {
  unsigned long code = ::ERR_get_error();
  char text[256] = "unknown error";
  if (code != 0) ::ERR_error_string_n(code, text, sizeof text);
  ::ERR_clear_error();
  return what + ": " + text;
}

// Waits for the socket to be readable; false when `timeout` passed.
bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  int rc = 0;
  do {
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace

Result<TlsContext> TlsContext::load(const std::string& cert_file, const std::string& key_file) {
  std::shared_ptr<SSL_CTX> ctx(::SSL_CTX_new(::TLS_server_method()), ::SSL_CTX_free);
  if (!ctx) return fail(ErrorKind::config, openssl_error("SSL_CTX_new"));
  // BCP 195 (RFC 9325): TLS 1.2 and 1.3 only; no renegotiation, no compression.
  ::SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  ::SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  ::SSL_CTX_clear_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (::SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1)
    return fail(ErrorKind::config, openssl_error("certificate " + cert_file));
  if (::SSL_CTX_use_PrivateKey_file(ctx.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1)
    return fail(ErrorKind::config, openssl_error("key " + key_file));
  if (::SSL_CTX_check_private_key(ctx.get()) != 1)
    return fail(ErrorKind::config,
                openssl_error("key " + key_file + " does not match " + cert_file));
  TlsContext out;
  out.ctx_ = std::move(ctx);
  return out;
}

Stream::Stream(Stream&& other) noexcept
    : fd_(std::move(other.fd_)), ssl_(std::exchange(other.ssl_, nullptr)) {}

Stream::~Stream() {
  if (ssl_ != nullptr) {
    ::SSL_shutdown(ssl_);  // close_notify, best effort: the peer may be gone
    ::SSL_free(ssl_);
  }
}

Status Stream::start_tls(const TlsContext& context) {
  ssl_ = ::SSL_new(context.get());
  if (ssl_ == nullptr) return fail(ErrorKind::temporary, openssl_error("SSL_new"));
  ::SSL_set_fd(ssl_, fd_.get());
  if (::SSL_accept(ssl_) != 1) {
    auto error = fail(ErrorKind::parse, openssl_error("TLS handshake"));
    ::SSL_free(ssl_);
    ssl_ = nullptr;
    return error;
  }
  return ok();
}

bool Stream::has_buffered_input() const { return ssl_ != nullptr && ::SSL_pending(ssl_) > 0; }

Result<std::size_t> Stream::read_some(char* buffer, std::size_t size,
                                      std::chrono::milliseconds timeout) {
  if (!has_buffered_input() && !wait_readable(fd_.get(), timeout))
    return fail(ErrorKind::limit, "idle timeout");
  if (ssl_ == nullptr) {
    ssize_t n = 0;
    do {
      n = ::read(fd_.get(), buffer, size);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return fail_errno(ErrorKind::temporary, "read", errno);
    return static_cast<std::size_t>(n);
  }
  std::size_t got = 0;
  if (::SSL_read_ex(ssl_, buffer, size, &got) == 1) return got;
  int why = ::SSL_get_error(ssl_, 0);
  if (why == SSL_ERROR_ZERO_RETURN) return std::size_t{0};
  if (why == SSL_ERROR_SYSCALL) return std::size_t{0};  // the peer went away without close_notify
  return fail(ErrorKind::temporary, openssl_error("TLS read"));
}

Status Stream::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    if (ssl_ != nullptr) {
      std::size_t written = 0;
      if (::SSL_write_ex(ssl_, bytes.data(), bytes.size(), &written) != 1)
        return fail(ErrorKind::temporary, openssl_error("TLS write"));
      bytes.remove_prefix(written);
      continue;
    }
    ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::temporary, "write", errno);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok();
}

}  // namespace mailroom::net
