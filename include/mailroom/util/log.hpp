// Logging (spdlog underneath): one line per event, stderr or syslog facility
// mail. Logging never throws and never fails a delivery: every entry point is
// noexcept and swallows its own failures.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "mailroom/util/config.hpp"

namespace mailroom::log {

enum class Level { trace, debug, info, warn, error, off };

// Sets up the sink from config (target "auto": stderr on a terminal, else
// syslog). Safe to call again; before it, messages go to stderr at info.
void init(const LogConfig& config) noexcept;

// Every line goes through here: control characters (CR, LF, NUL, ESC, DEL)
// are written escaped ("\r", "\n", "\x1b"), and so is the backslash, so a
// line is one event and the escaping cannot be forged.
void write(Level level, std::string_view message) noexcept;

// Whether a line at `level` would be written (log.level, log.target =
// "none"): at() formats nothing otherwise (mailroom lmtp logs two lines a
// message; with them off, formatting was 8 % of a session's instructions).
[[nodiscard]] bool enabled(Level level) noexcept;

// What write() logs for `text`.
[[nodiscard]] std::string escape_control_characters(std::string_view text);

// Pushes out anything a sink holds (before a process ends without running
// destructors).
void flush() noexcept;

template <class... Args>
void at(Level level, fmt::format_string<Args...> format, Args&&... args) noexcept {
  if (!enabled(level)) return;
  try {
    write(level, fmt::format(format, std::forward<Args>(args)...));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a log line is never worth a delivery
  }
}

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... a) noexcept {
  at(Level::debug, f, std::forward<Args>(a)...);
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... a) noexcept {
  at(Level::info, f, std::forward<Args>(a)...);
}
// Cold, as fail() (result.hpp): the paths that warn or report an error
// leave the hot text.
template <class... Args>
[[gnu::cold]] void warn(fmt::format_string<Args...> f, Args&&... a) noexcept {
  at(Level::warn, f, std::forward<Args>(a)...);
}
template <class... Args>
[[gnu::cold]] void error(fmt::format_string<Args...> f, Args&&... a) noexcept {
  at(Level::error, f, std::forward<Args>(a)...);
}

}  // namespace mailroom::log
