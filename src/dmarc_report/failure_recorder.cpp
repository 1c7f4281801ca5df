// The failure spool (failure.hpp): <spool>/<day>.failures, a line per
// report, fields %-escaped so that no tab or newline of a header breaks it.
#include <sys/stat.h>

#include <charconv>

#include "dmarc_report/append_file.hpp"
#include "mailroom/dmarc_report/failure.hpp"
#include "mailroom/dmarc_report/recorder.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::dmarc_report {
namespace {

constexpr std::string_view kVersion = "F1";
constexpr std::size_t kFields = 9;
// A flood of failing mail must not fill the disk: past this a day's file
// takes no more (the rate limit would not send them anyway).
constexpr off_t kMaxFileBytes = off_t{64} << 20;

void append_field(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '\t';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '%' || c == '\t' || c == '\n' || c == '\r') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
}

Result<std::string> field_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) return fail(ErrorKind::parse, "bad %-escape in a failure record");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

}  // namespace

std::string encode_failure(const FailureRecord& r) {
  std::string out(kVersion);
  append_field(out, std::to_string(r.time));
  for (const auto* text : {&r.policy_domain, &r.policy_record, &r.reported_domain, &r.auth_failure,
                           &r.source_ip, &r.feedback, &r.headers})
    append_field(out, *text);
  out += '\n';
  return out;
}

Result<FailureRecord> decode_failure(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    auto end = line.find('\t', start);
    auto text = field_text(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (!text) return tl::unexpected(text.error());
    fields.push_back(std::move(*text));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (fields.size() != kFields || fields[0] != kVersion)
    return fail(ErrorKind::parse, "not a failure record (F1, 9 fields)");
  FailureRecord r;
  auto [end, ec] = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), r.time);
  if (ec != std::errc{} || end != fields[1].data() + fields[1].size())
    return fail(ErrorKind::parse, "bad time in a failure record");
  r.policy_domain = std::move(fields[2]);
  r.policy_record = std::move(fields[3]);
  r.reported_domain = std::move(fields[4]);
  r.auth_failure = std::move(fields[5]);
  r.source_ip = std::move(fields[6]);
  r.feedback = std::move(fields[7]);
  r.headers = std::move(fields[8]);
  return r;
}

FailureRecorder FailureRecorder::open(const std::string& spool, std::int64_t now) {
  FailureRecorder recorder;
  if (spool.empty()) return recorder;
  recorder.path_ = spool + "/" + day_of(now) + ".failures";
  recorder.fd_ = open_append(recorder.path_, "failure report");
  return recorder;
}

void FailureRecorder::append(const FailureRecord& record) const noexcept {
  if (!fd_) return;
  try {
    struct stat st {};
    if (::fstat(fd_.get(), &st) == 0 && st.st_size > kMaxFileBytes) return;
    append_line(fd_, encode_failure(record), path_);
  } catch (...) {
    log::warn("dmarc_report.spool: out of memory making a failure report for {}", path_);
  }
}

}  // namespace mailroom::dmarc_report
