#include "cli/sieve_run_options.hpp"

#include <cstdlib>

#include "mailroom/message/date_time.hpp"
#include "mailroom/util/host.hpp"

namespace mailroom::cli {
namespace {

// Reads `count` digits at text[at]; -1 when they are not there.
int digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (std::size_t k = at; k < at + count; ++k) {
    if (text[k] < '0' || text[k] > '9') return -1;
    value = value * 10 + (text[k] - '0');
  }
  return value;
}

// YYYY-MM-DD[(T|" ")hh:mm[:ss]][Z|(+|-)hh[:]mm]
std::optional<sieve::RunOptions::Clock> parse_iso8601(std::string_view text) {
  message::DateTime when;
  when.year = digits(text, 0, 4);
  when.month = digits(text, 5, 2);
  when.day = digits(text, 8, 2);
  if (when.year < 0 || when.month < 1 || when.month > 12 || when.day < 1 || when.day > 31 ||
      text.size() < 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  std::size_t at = 10;
  if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
    when.hour = digits(text, at + 1, 2);
    when.minute = digits(text, at + 4, 2);
    if (when.hour < 0 || when.hour > 23 || when.minute < 0 || when.minute > 59 ||
        text[at + 3] != ':')
      return std::nullopt;
    at += 6;
    if (at < text.size() && text[at] == ':') {
      when.second = digits(text, at + 1, 2);
      if (when.second < 0 || when.second > 60) return std::nullopt;
      at += 3;
    }
  }
  int zone = 0;
  if (at < text.size() && text[at] == 'Z') {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int hours = digits(text, at + 1, 2);
    std::size_t m = at + 3 + (at + 3 < text.size() && text[at + 3] == ':' ? 1 : 0);
    int minutes = digits(text, m, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
    zone = (hours * 60 + minutes) * (text[at] == '-' ? -1 : 1);
    at = m + 2;
  }
  if (at != text.size()) return std::nullopt;
  when.zone_minutes = zone;
  return sieve::RunOptions::Clock{when.unix_time(), zone};
}

std::optional<int> whole_number(std::string_view text, int low, int high) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < low || value > high) return std::nullopt;
  return value;
}

}  // namespace

std::optional<sieve::RunOptions::Clock> parse_clock(std::string_view text) {
  if (auto iso = parse_iso8601(text)) return iso;
  auto when = message::parse_date_time(text);
  if (!when) return std::nullopt;
  return sieve::RunOptions::Clock{when->unix_time(), when->zone_minutes};
}

std::optional<std::string> take_run_option(Args args, std::size_t& i, sieve::RunOptions& options) {
  std::string_view arg = args[i];
  if (arg != "--date" && arg != "--spam-score" && arg != "--virus-level" && arg != "--lists-dir" &&
      arg != "--remote-ip" && arg != "--remote-host")
    return std::nullopt;
  if (i + 1 >= args.size()) return "option " + std::string(arg) + " needs a value";
  std::string_view value = args[++i];
  if (arg == "--date") {
    options.now = parse_clock(value);
    if (!options.now)
      return "--date '" + std::string(value) + "' is not an RFC 5322 or ISO 8601 date";
  } else if (arg == "--spam-score") {
    char* end = nullptr;
    std::string text(value);
    double score = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
      return "--spam-score '" + text + "' is not a number";
    options.spam = sieve::spam_verdict(score);
  } else if (arg == "--virus-level") {
    auto level = whole_number(value, 1, 5);
    if (!level) return "--virus-level '" + std::string(value) + "' is not 1 to 5";
    options.virus = sieve::TestVerdict{*level, 0};
  } else if (arg == "--lists-dir") {
    options.lists_dir = value;
  } else if (arg == "--remote-ip") {
    options.environment.remote_ip = value;
  } else {
    options.environment.remote_host = value;
  }
  return std::string();
}

}  // namespace mailroom::cli
