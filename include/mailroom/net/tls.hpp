// TLS for the servers, OpenSSL underneath. A TlsContext is built from the
// certificate chain and key files (TLS 1.2 and newer only, the client's
// cipher preference honoured as RFC 8996/BCP 195 allows); SIGHUP builds a
// new one and new connections use it. A Stream is one connection, in the
// blocking style of a process per connection: plaintext until start_tls().
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;

namespace mailroom::net {

class TlsContext {
 public:
  [[nodiscard]] static Result<TlsContext> load(const std::string& cert_file,
                                               const std::string& key_file);
  [[nodiscard]] SSL_CTX* get() const { return ctx_.get(); }

 private:
  std::shared_ptr<SSL_CTX> ctx_;
};

class Stream {
 public:
  explicit Stream(UniqueFd fd) : fd_(std::move(fd)) {}
  Stream(Stream&&) noexcept;
  Stream& operator=(Stream&&) = delete;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream();

  // Server side handshake; afterwards every read and write is encrypted.
  [[nodiscard]] Status start_tls(const TlsContext& context);
  [[nodiscard]] bool tls() const { return ssl_ != nullptr; }
  [[nodiscard]] int fd() const { return fd_.get(); }

  // Waits at most `timeout` for input (ErrorKind::limit when it passes);
  // returns 0 at the end of the stream.
  [[nodiscard]] Result<std::size_t> read_some(char* buffer, std::size_t size,
                                              std::chrono::milliseconds timeout);
  [[nodiscard]] Status write_all(std::string_view bytes);
  // Decrypted bytes OpenSSL holds that poll() on the socket cannot see.
  [[nodiscard]] bool has_buffered_input() const;

 private:
  UniqueFd fd_;
  SSL* ssl_ = nullptr;
};

}  // namespace mailroom::net
