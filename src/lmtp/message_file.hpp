// A transaction's message too large for the request datagram
// (kMaxInlineMessage), as the session hands it to its workers: a memfd,
// sealed before any worker sees it. The seals (no write, no shrink, no
// growth, no change of the seals) make the one descriptor read-only for
// every worker: no reopen through /proc for a descriptor of its own, and a
// worker still cannot change what another reads. Workers map it and read
// the mapping (no shared file offset between them).
#pragma once

#include <cstddef>
#include <string_view>

#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::lmtp {

// `data` in a new memfd, sealed (F_SEAL_WRITE, F_SEAL_SHRINK, F_SEAL_GROW,
// F_SEAL_SEAL).
[[nodiscard]] Result<UniqueFd> sealed_message_file(std::string_view data);

// The whole of the file `fd` mapped read-only, for as long as this lives.
class MappedMessage {
 public:
  [[nodiscard]] static Result<MappedMessage> map(int fd);
  MappedMessage(MappedMessage&& other) noexcept;
  MappedMessage& operator=(MappedMessage&&) = delete;
  MappedMessage(const MappedMessage&) = delete;
  MappedMessage& operator=(const MappedMessage&) = delete;
  ~MappedMessage();

  [[nodiscard]] std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedMessage(void* data, std::size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace mailroom::lmtp
