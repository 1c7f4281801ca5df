// Reading small trusted files (configuration, user tables) whole, with
// plain read(2): no iostreams, whose first use builds the C++ locale, a
// cost `deliver` would pay on every message.
#pragma once

#include <cstddef>
#include <string>

#include "mailroom/util/result.hpp"

namespace mailroom {

// The whole file, or an error of `kind` naming the path (and errno's text).
// A file larger than `max_size` is an error, not truncated.
[[nodiscard]] Result<std::string> read_whole_file(const std::string& path, std::size_t max_size,
                                                  ErrorKind kind);

}  // namespace mailroom
