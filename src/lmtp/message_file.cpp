#include "lmtp/message_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace mailroom::lmtp {

Result<UniqueFd> sealed_message_file(std::string_view data) {
  // Unnamed and in memory: nothing to clean up if we are killed.
  UniqueFd fd(::memfd_create("mailroom-lmtp-message", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return fail_errno(ErrorKind::temporary, "memfd_create", errno);
  while (!data.empty()) {
    ssize_t n = ::write(fd.get(), data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_errno(ErrorKind::temporary, "writing the message", errno);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
    return fail_errno(ErrorKind::temporary, "sealing the message", errno);
  return fd;
}

Result<MappedMessage> MappedMessage::map(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail_errno(ErrorKind::temporary, "reading the message", errno);
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) return MappedMessage(nullptr, 0);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (data == MAP_FAILED) return fail_errno(ErrorKind::temporary, "mapping the message", errno);
  return MappedMessage(data, size);
}

MappedMessage::MappedMessage(MappedMessage&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedMessage::~MappedMessage() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

}  // namespace mailroom::lmtp
