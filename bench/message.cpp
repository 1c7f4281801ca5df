// bench/message: parse throughput over the SpamAssassin corpus (fetched by
// scripts/fetch-corpus) for three jobs, mailroom beside GMime 3 in one run:
//   headers     parse and read the header fields
//   mime_tree   parse the MIME structure, read each part's content type
//   decode_text decode Subject, From and every text part to UTF-8
//               (mailroom also turns HTML into plain text; GMime does not)
// and, as a separate invocation so the figure is the process's own:
//   bench_message --peak-rss=mailroom|gmime [--size-mb=100]
// parses a generated message of that size (a file, mapped) and prints the
// peak RSS. Usage: bench_message [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/message/address.hpp"
#include "mailroom/message/message.hpp"
#ifdef MAILROOM_BENCH_GMIME
#include "message_gmime.hpp"
#endif

namespace {

namespace fs = std::filesystem;
namespace mm = mailroom::message;

struct Corpus {
  std::vector<std::string> messages;
  std::vector<std::shared_ptr<const mm::Buffer>> buffers;
  std::size_t bytes = 0;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Same input for both libraries: the mbox "From " line is stripped, as the
// delivery path does before it builds the Buffer.
Corpus load_corpus() {
  Corpus c;
  const char* env = std::getenv("MAILROOM_CORPUS_DIR");
  const fs::path dir =
      fs::path(env != nullptr ? env : "/var/cache/mailroom-test/spam-assassin") / "data";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return c;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string s = read_file(f);
    if (s.rfind("From ", 0) == 0) s.erase(0, s.find('\n') + 1);
    c.bytes += s.size();
    c.buffers.push_back(std::make_shared<const mm::Buffer>(mm::Buffer::from_string(s)));
    c.messages.push_back(std::move(s));
  }
  return c;
}

const Corpus& corpus() {
  static const Corpus c = load_corpus();
  return c;
}

void finish(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(corpus().bytes));
  state.counters["messages"] = static_cast<double>(corpus().buffers.size());
}

void mailroom_headers(benchmark::State& state) {
  for (auto _ : state) {
    std::size_t sum = 0;
    for (const auto& b : corpus().buffers) {
      const mm::Message m = mm::Message::parse(b, {}, mm::Scope::headers);
      for (const auto& f : m.headers()) sum += f.name.size() + f.value.size();
    }
    benchmark::DoNotOptimize(sum);
  }
  finish(state);
}

void mailroom_mime_tree(benchmark::State& state) {
  for (auto _ : state) {
    std::size_t sum = 0;
    for (const auto& b : corpus().buffers) {
      const mm::Message m = mm::Message::parse(b);
      for (const auto& p : m.parts()) sum += p.content_type.type.size() + 1;
    }
    benchmark::DoNotOptimize(sum);
  }
  finish(state);
}

std::size_t mailroom_decode(const mm::Message& m) {
  std::size_t sum = m.subject().size();
  if (const auto* from = m.find("From")) {
    if (auto a = mm::parse_mailbox(from->value)) sum += a->addr_spec().size();
  }
  for (const mm::Part* p : m.text_parts()) sum += m.text(*p).size();
  return sum;
}

void mailroom_decode_text(benchmark::State& state) {
  for (auto _ : state) {
    std::size_t sum = 0;
    for (const auto& b : corpus().buffers) sum += mailroom_decode(mm::Message::parse(b));
    benchmark::DoNotOptimize(sum);
  }
  finish(state);
}

#ifdef MAILROOM_BENCH_GMIME
const mailroom::bench::GmimeCorpus& gmime_corpus() {
  static const mailroom::bench::GmimeCorpus c(corpus().messages);
  return c;
}

void gmime_headers(benchmark::State& state) {
  const auto& g = gmime_corpus();
  for (auto _ : state) benchmark::DoNotOptimize(g.headers());
  finish(state);
}

void gmime_mime_tree(benchmark::State& state) {
  const auto& g = gmime_corpus();
  for (auto _ : state) benchmark::DoNotOptimize(g.mime_tree());
  finish(state);
}

void gmime_decode_text(benchmark::State& state) {
  const auto& g = gmime_corpus();
  for (auto _ : state) benchmark::DoNotOptimize(g.decode_text());
  finish(state);
}
#endif

// A message of about `mb` MiB: a short text part, a base64 attachment that
// fills it, and an HTML part after it; written without holding it in memory.
std::string make_big_message(std::size_t mb) {
  const std::string path = "/tmp/mailroom-bench-" + std::to_string(mb) + "mb.eml";
  if (fs::exists(path) && fs::file_size(path) > mb * 1024 * 1024) return path;
  std::ofstream out(path, std::ios::binary);
  out << "From: Big <big@example.org>\r\nTo: a@example.net\r\nSubject: =?utf-8?q?gro=C3=9F?=\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"big\"\r\n\r\n"
         "--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attachment.\r\n"
         "--big\r\nContent-Type: application/octet-stream\r\n"
         "Content-Disposition: attachment; filename=big.bin\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n";
  const std::string line(76, 'Q');
  const std::size_t lines = mb * 1024 * 1024 / 78;
  for (std::size_t i = 0; i < lines; ++i) out << line << "\r\n";
  out << "--big\r\nContent-Type: text/html\r\n\r\n<p>bye</p>\r\n--big--\r\n";
  return path;
}

long peak_rss_kb() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

int peak_rss_run(const std::string& which, std::size_t mb) {
  const std::string path = make_big_message(mb);
  const long before = peak_rss_kb();
  std::size_t sum = 0;
  if (which == "mailroom") {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    auto buffer = mm::Buffer::map_file(fd);
    ::close(fd);
    if (!buffer) {
      std::cerr << buffer.error().message << "\n";
      return 1;
    }
    const mm::Message m =
        mm::Message::parse(std::make_shared<const mm::Buffer>(std::move(*buffer)));
    sum = mailroom_decode(m) + m.parts().size();
#ifdef MAILROOM_BENCH_GMIME
  } else if (which == "gmime") {
    sum = mailroom::bench::gmime_parse_file(path.c_str());
#endif
  } else {
    std::cerr << "unknown --peak-rss=" << which << "\n";
    return 64;
  }
  const auto size_kb = static_cast<long>(fs::file_size(path) / 1024);
  std::cout << which << ": message " << size_kb / 1024 << " MiB, peak RSS " << peak_rss_kb() / 1024
            << " MiB (" << before / 1024
            << " MiB before parsing), peak - message = " << (peak_rss_kb() - size_kb) / 1024
            << " MiB (checksum " << sum << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string rss_mode;
  std::size_t mb = 100;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--peak-rss=", 0) == 0) rss_mode = a.substr(11);
    if (a.rfind("--size-mb=", 0) == 0) mb = std::strtoul(a.c_str() + 10, nullptr, 10);
  }
  if (!rss_mode.empty()) return peak_rss_run(rss_mode, mb);

  if (corpus().buffers.empty()) {
    std::cerr << "SpamAssassin corpus not found: run scripts/fetch-corpus "
                 "(or set MAILROOM_CORPUS_DIR)\n";
    return 1;
  }
  benchmark::RegisterBenchmark("headers/mailroom", mailroom_headers)->Unit(benchmark::kMillisecond);
#ifdef MAILROOM_BENCH_GMIME
  benchmark::RegisterBenchmark("headers/gmime", gmime_headers)->Unit(benchmark::kMillisecond);
#endif
  benchmark::RegisterBenchmark("mime_tree/mailroom", mailroom_mime_tree)
      ->Unit(benchmark::kMillisecond);
#ifdef MAILROOM_BENCH_GMIME
  benchmark::RegisterBenchmark("mime_tree/gmime", gmime_mime_tree)->Unit(benchmark::kMillisecond);
#endif
  benchmark::RegisterBenchmark("decode_text/mailroom", mailroom_decode_text)
      ->Unit(benchmark::kMillisecond);
#ifdef MAILROOM_BENCH_GMIME
  benchmark::RegisterBenchmark("decode_text/gmime", gmime_decode_text)
      ->Unit(benchmark::kMillisecond);
#endif
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
