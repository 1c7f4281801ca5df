#include "mailroom/message/buffer.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace mailroom::message {

Buffer Buffer::from_string(std::string bytes) {
  Buffer b;
  b.owned_ = std::move(bytes);
  return b;
}

Result<Buffer> Buffer::map_file(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail_errno(ErrorKind::temporary, "fstat message file", errno);
  if (!S_ISREG(st.st_mode)) return fail(ErrorKind::internal, "message file is not a regular file");
  Buffer b;
  if (st.st_size == 0) return b;  // mmap of length 0 is EINVAL
  const auto size = static_cast<std::size_t>(st.st_size);
  // MAP_PRIVATE + PROT_READ: the views never change under us through this
  // mapping; the spool file is ours and nobody truncates it while we run.
  // MAP_POPULATE: the whole message is read anyway (sizes, the copy into
  // the Maildir), and mapping its cached pages in one call costs less
  // than a page fault every 64 KB.
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) return fail_errno(ErrorKind::temporary, "mmap message file", errno);
  b.map_ = p;
  b.map_size_ = size;
  b.file_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);  // -1 only costs the kernel copy
  return b;
}

Buffer::Buffer(Buffer&& other) noexcept
    : owned_(std::move(other.owned_)),
      map_(std::exchange(other.map_, nullptr)),
      map_size_(std::exchange(other.map_size_, 0)),
      file_(std::exchange(other.file_, -1)) {
  other.owned_.clear();
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    owned_ = std::move(other.owned_);
    other.owned_.clear();
    map_ = std::exchange(other.map_, nullptr);
    map_size_ = std::exchange(other.map_size_, 0);
    file_ = std::exchange(other.file_, -1);
  }
  return *this;
}

Buffer::~Buffer() { release(); }

void Buffer::release() noexcept {
  if (map_ != nullptr) ::munmap(map_, map_size_);
  if (file_ >= 0) ::close(file_);
  map_ = nullptr;
  map_size_ = 0;
  file_ = -1;
}

std::string_view Buffer::bytes() const noexcept {
  if (map_ != nullptr) return {static_cast<const char*>(map_), map_size_};
  return owned_;
}

}  // namespace mailroom::message
