// Reading small trusted files (configuration, user tables) whole, with
// plain read(2): no iostreams, whose first use builds the C++ locale, a
// cost `deliver` would pay on every message.
#pragma once

#include <cstddef>
#include <string>

#include "mailroom/util/result.hpp"

namespace mailroom {

// Reads `fd` to its end, appending to `out`, at most `max_bytes` in all
// (out's size included). Returns 0, or the errno of a failed read; EINTR is
// retried. *truncated (when given) says whether the file had more. Reserve
// what you expect in `out` first: reads fill the capacity. Reads
// straight into the string: a bounce buffer on the stack would touch two
// fresh stack pages per call (-fstack-clash-protection probes every page of
// a large frame), 20 us on a VM for a process that runs once per message.
[[nodiscard]] int read_to_end(int fd, std::size_t max_bytes, std::string& out,
                              bool* truncated = nullptr);

// The whole file, or an error of `kind` naming the path (and errno's text).
// A file larger than `max_size` is an error, not truncated.
[[nodiscard]] Result<std::string> read_whole_file(const std::string& path, std::size_t max_size,
                                                  ErrorKind kind);

}  // namespace mailroom
