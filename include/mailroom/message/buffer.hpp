// One immutable byte buffer per message (DESIGN.md, "Message"): headers,
// addresses and MIME parts are string_views into it, so it is never copied
// or moved in memory after construction. Share it by std::shared_ptr.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "mailroom/util/result.hpp"

namespace mailroom::message {

class Buffer {
 public:
  // Takes ownership of bytes (no copy).
  static Buffer from_string(std::string bytes);
  // Read-only private mapping of the whole regular file behind fd. The fd
  // may be closed afterwards: the buffer keeps its own descriptor of the
  // file (file()). An empty file gives an empty buffer (no mmap).
  static Result<Buffer> map_file(int fd);

  Buffer() = default;
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  [[nodiscard]] std::string_view bytes() const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return bytes().size(); }
  [[nodiscard]] bool mapped() const noexcept { return map_ != nullptr; }
  // A mapped buffer's file, whose bytes from offset 0 are bytes(): a writer
  // may copy from it file to file in the kernel instead of through the
  // mapping. -1 for a buffer in memory.
  [[nodiscard]] int file() const noexcept { return file_; }

 private:
  void release() noexcept;

  std::string owned_;    // used when map_ is null
  void* map_ = nullptr;  // mmap base, or null
  std::size_t map_size_ = 0;
  int file_ = -1;  // our own descriptor of the mapped file, or -1
};

}  // namespace mailroom::message
