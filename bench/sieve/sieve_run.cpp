// bench/sieve's in-process half (driven by bench/sieve/sieve): compile time,
// load time from the compiled form, and per-message parse and execution
// time of one script over a list of messages held in memory.
//
//   bench_sieve_run SCRIPT LIST [PASSES]
//
// LIST names one message file a line. Prints one JSON object: microseconds
// per compile (median of many), per load of the compiled form (median),
// per message for Message::parse and for sieve::run (the best of PASSES
// passes over all messages), and what the runs did (actions by kind,
// run-time errors), so the driver can check the script really ran. Times
// are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID): on a machine shared
// with builds, wall time counts the waits for a CPU too.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/binary.hpp"
#include "mailroom/sieve/compile.hpp"
#include "mailroom/sieve/interpret.hpp"

namespace {

// std::chrono's interface over the thread's CPU clock.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock>;
  static time_point now() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec));
  }
};
using mailroom::message::Buffer;
using mailroom::message::Message;
namespace sieve = mailroom::sieve;

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class F>
double median_micros(int rounds, F&& work) {
  std::vector<double> times;
  for (int i = 0; i < rounds; ++i) {
    auto start = Clock::now();
    work();
    times.push_back(micros(Clock::now() - start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_sieve_run SCRIPT LIST [PASSES]\n");
    return 2;
  }
  const int passes = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  const std::string script = slurp(argv[1]);
  auto program = sieve::compile(script);
  if (!program) {
    const auto& e = program.error().front();
    std::fprintf(stderr, "bench_sieve_run: %s:%zu:%zu: %s\n", argv[1], e.position.line,
                 e.position.column, e.message.c_str());
    return 1;
  }
  const double compile_us = median_micros(200, [&] { (void)sieve::compile(script); });
  const std::string form = sieve::encode_binary(*program, script, "bench");
  const double load_us =
      median_micros(200, [&] { (void)sieve::decode_binary(form, script, "bench"); });

  std::vector<std::shared_ptr<const Buffer>> buffers;
  std::ifstream list(argv[2]);
  for (std::string path; std::getline(list, path);)
    if (!path.empty())
      buffers.push_back(std::make_shared<const Buffer>(Buffer::from_string(slurp(path))));
  if (buffers.empty()) {
    std::fprintf(stderr, "bench_sieve_run: no messages in %s\n", argv[2]);
    return 1;
  }
  std::vector<Message> messages;
  auto start = Clock::now();
  for (const auto& buffer : buffers) messages.push_back(Message::parse(buffer));
  const double parse_us = micros(Clock::now() - start) / static_cast<double>(messages.size());

  const sieve::Envelope envelope{"sender@example.com", "user+tag@example.net"};
  sieve::RunOptions options;
  options.mailbox_exists = [](std::string_view) { return true; };
  options.regex_cache = sieve::make_regex_cache();  // one process, many messages
  double best = 0;
  std::map<std::string, std::size_t> actions;
  std::size_t errors = 0;
  for (int pass = 0; pass < passes; ++pass) {
    std::size_t failed = 0;
    std::map<std::string, std::size_t> seen;
    start = Clock::now();
    for (const auto& message : messages) {
      auto outcome = sieve::run(*program, message, envelope, options);
      failed += outcome.error.has_value();
      for (const auto& a : outcome.actions)
        ++seen[std::string(sieve::to_string(a.kind)) + (a.implicit ? "-implicit" : "")];
    }
    const double run_us = micros(Clock::now() - start) / static_cast<double>(messages.size());
    if (pass == 0 || run_us < best) best = run_us;
    actions = std::move(seen);
    errors = failed;
  }
  std::printf(
      "{\"messages\": %zu, \"compile_us\": %.2f, \"load_us\": %.2f, \"form_bytes\": %zu, "
      "\"parse_us\": %.3f, \"run_us\": %.3f, \"errors\": %zu, \"actions\": {",
      messages.size(), compile_us, load_us, form.size(), parse_us, best, errors);
  const char* comma = "";
  for (const auto& [kind, count] : actions) {
    std::printf("%s\"%s\": %zu", comma, kind.c_str(), count);
    comma = ", ";
  }
  std::printf("}}\n");
  return 0;
}
