#include "mailroom/util/log.hpp"

#include <syslog.h>
#include <unistd.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <memory>
#include <mutex>
#include <string>

#include "util/syslog_socket.hpp"

namespace mailroom::log {
namespace {

std::shared_ptr<spdlog::logger>& current() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::trace:
      return spdlog::level::trace;
    case Level::debug:
      return spdlog::level::debug;
    case Level::info:
      return spdlog::level::info;
    case Level::warn:
      return spdlog::level::warn;
    case Level::error:
      return spdlog::level::err;
    case Level::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

detail::Severity to_severity(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return detail::Severity::crit;
    case spdlog::level::err:
      return detail::Severity::err;
    case spdlog::level::warn:
      return detail::Severity::warning;
    case spdlog::level::info:
      return detail::Severity::info;
    default:
      return detail::Severity::debug;
  }
}

// spdlog's own syslog sink goes through syslog(3); this one through
// SyslogSocket (see there why). With a mutex: `deliver` is single-threaded,
// but a server logging from several threads shares one socket, and an
// uncontended lock costs nothing next to the send(2).
class SyslogSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  SyslogSink(std::string ident, int facility, std::string path)
      : socket_(std::move(ident), facility, std::move(path)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    (void)socket_.send(to_severity(msg.level),
                       std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  detail::SyslogSocket socket_;
};

std::shared_ptr<spdlog::logger> make_stderr_logger(const std::string& ident) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
  auto logger = std::make_shared<spdlog::logger>(ident, sink);
  logger->set_pattern("%n[%P]: %l: %v");
  return logger;
}

std::shared_ptr<spdlog::logger> make_logger(const LogConfig& config) {
  std::string target = config.target;
  if (target == "auto") target = ::isatty(STDERR_FILENO) ? "stderr" : "syslog";
  if (target == "syslog") {
    // Facility mail, as every MDA: postmasters find us beside the MTA's lines.
    auto sink = std::make_shared<SyslogSink>(config.ident, LOG_MAIL, config.socket);
    return std::make_shared<spdlog::logger>(config.ident, sink);
  }
  auto logger = make_stderr_logger(config.ident);
  if (target == "none") logger->set_level(spdlog::level::off);
  return logger;
}

bool needs_escaping(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == '\\') return true;
  }
  return false;
}

}  // namespace

void init(const LogConfig& config) noexcept {
  try {
    auto logger = make_logger(config);
    if (config.target != "none") {
      auto level = spdlog::level::from_str(config.level == "warn" ? "warning" : config.level);
      logger->set_level(level);
    }
    current() = std::move(logger);
  } catch (...) {  // NOLINT(bugprone-empty-catch): keep the previous logger
  }
}

std::string escape_control_characters(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f && c != '\\') {
      out += c;
      continue;
    }
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += fmt::format("\\x{:02x}", byte);
    }
  }
  return out;
}

bool enabled(Level level) noexcept {
  const auto& logger = current();
  return !logger || logger->should_log(to_spdlog(level));
}

void write(Level level, std::string_view message) noexcept {
  try {
    auto& logger = current();
    if (!logger) logger = make_stderr_logger("mailroom");
    // Envelope addresses, header values and file names reach log lines: a
    // line is one event, whatever they hold (a CR or LF would forge a
    // second one in syslog or the MTA's log).
    if (needs_escaping(message)) {
      logger->log(to_spdlog(level), escape_control_characters(message));
    } else {
      logger->log(to_spdlog(level), message);
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): logging never fails a delivery
  }
}

void flush() noexcept {
  try {
    if (auto& logger = current()) logger->flush();
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing more can be done at exit
  }
}

}  // namespace mailroom::log
