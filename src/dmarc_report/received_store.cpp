// The received-report store (received_store.hpp).
#include "mailroom/dmarc_report/received_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

#include "dmarc_report/fnv.hpp"
#include "dmarc_report/sent_state.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dmarc_report {
namespace {

// A stored line is a DeliveryRecord line (record.cpp's escaping and
// parser) whose fields carry the received row: time = begin, policy_record
// = "reporter end report_id" escaped by encode itself, count in reason.
DeliveryRecord as_record(const ReceivedReport& report, const ReceivedRow& row) {
  DeliveryRecord r;
  r.time = report.begin;
  r.source_ip = row.source_ip;
  r.header_from = row.header_from;
  r.envelope_from = row.envelope_from;
  r.policy_domain = report.policy_domain;
  r.policy_record = report.org_name;
  r.disposition = row.disposition;
  r.reason = std::to_string(row.count);
  r.reason_comment = std::to_string(report.end) + " " + report.report_id;
  r.dkim_aligned = row.dkim_aligned;
  r.spf_aligned = row.spf_aligned;
  r.spf_domain = row.spf_domain;
  r.spf_scope = "mfrom";
  r.spf_result = row.spf_result;
  r.dkim = row.dkim;
  return r;
}

StoredRow from_record(const DeliveryRecord& r) {
  StoredRow s;
  s.reporter = r.policy_record;
  s.begin = r.time;
  auto space = r.reason_comment.find(' ');
  s.end = std::atoll(r.reason_comment.substr(0, space).c_str());
  s.report_id = space == std::string::npos ? "" : r.reason_comment.substr(space + 1);
  s.domain = r.policy_domain;
  s.row.source_ip = r.source_ip;
  s.row.count = std::strtoull(r.reason.c_str(), nullptr, 10);
  s.row.disposition = r.disposition;
  s.row.dkim_aligned = r.dkim_aligned;
  s.row.spf_aligned = r.spf_aligned;
  s.row.header_from = r.header_from;
  s.row.envelope_from = r.envelope_from;
  s.row.spf_domain = r.spf_domain;
  s.row.spf_result = r.spf_result;
  s.row.dkim = r.dkim;
  return s;
}

std::string seen_name(const ReceivedReport& report) {
  return fnv1a_hex(
      fmt::format("{}\n{}\n{}", report.org_name, report.report_id, report.policy_domain));
}

Status make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return ok();
  return fail_errno(ErrorKind::temporary, "cannot make " + path, errno);
}

// mkdir -p: ~/.mailroom may not exist yet at the first report.
Status make_dirs(const std::string& path) {
  for (auto slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1))
    if (auto made = make_dir(path.substr(0, slash)); !made) return made;
  return make_dir(path);
}

void load_file(const std::string& path, std::int64_t since, std::vector<StoredRow>& out) {
  auto text = read_whole_file(path, std::size_t{4} << 30, ErrorKind::temporary);
  if (!text) return;
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) break;
    auto record = decode(std::string_view(*text).substr(start, end - start));
    start = end + 1;
    if (!record) continue;
    auto row = from_record(*record);
    if (row.end >= since) out.push_back(std::move(row));
  }
}

}  // namespace

Result<bool> store_report(const ReceivedReport& report, const std::string& store) {
  if (auto made = make_dirs(store); !made) return tl::unexpected(made.error());
  if (auto made = make_dir(store + "/seen"); !made) return tl::unexpected(made.error());
  const std::string seen = store + "/seen/" + seen_name(report);
  UniqueFd mark(::open(seen.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!mark) {
    if (errno == EEXIST) return false;
    return fail_errno(ErrorKind::temporary, "cannot write " + seen, errno);
  }
  std::string lines;
  for (const auto& row : report.rows) lines += encode(as_record(report, row));
  const std::string path = store + "/" + marker_name(report.policy_domain) + ".rows";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd || ::write(fd.get(), lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    int saved = errno;
    ::unlink(seen.c_str());  // not stored: the same report may come again
    return fail_errno(ErrorKind::temporary, "cannot write " + path, saved);
  }
  return true;
}

std::vector<std::string> store_reports(const message::Message& message, const std::string& store,
                                       const ReceivedLimits& limits) noexcept {
  std::vector<std::string> notes;
  try {
    for (const auto& part : message.parts()) {
      if (!part.is_leaf()) continue;
      auto xml = report_xml(message.decoded(part), limits);
      if (!xml && xml.error().kind == ErrorKind::data) continue;  // the text part, a logo
      if (!xml) {
        notes.push_back("attachment " + part.filename() + " refused: " + xml.error().message);
        continue;
      }
      auto report = parse_report(*xml, limits);
      if (!report) {
        notes.push_back("not a DMARC report (" + part.filename() + "): " + report.error().message);
        continue;
      }
      auto stored = store_report(*report, store);
      if (!stored) {
        notes.push_back("report " + report->report_id + " not stored: " + stored.error().message);
      } else {
        notes.push_back((*stored ? "stored report " : "report already stored: ") +
                        report->report_id + " from " + report->org_name + " for " +
                        report->policy_domain + ": " + std::to_string(report->rows.size()) +
                        " rows");
      }
    }
  } catch (...) {
    notes.emplace_back("reading the reports failed (out of memory)");
  }
  return notes;
}

Result<std::vector<StoredRow>> load_rows(const std::string& store, const std::string& domain,
                                         std::int64_t since) {
  std::vector<StoredRow> rows;
  if (!domain.empty()) {
    load_file(store + "/" + marker_name(domain) + ".rows", since, rows);
    return rows;
  }
  DIR* dir = ::opendir(store.c_str());
  if (dir == nullptr) return fail_errno(ErrorKind::usage, "cannot read " + store, errno);
  std::vector<std::string> files;
  while (const dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.ends_with(".rows")) files.emplace_back(name);
  }
  ::closedir(dir);
  for (const auto& file : files) load_file(fmt::format("{}/{}", store, file), since, rows);
  return rows;
}

}  // namespace mailroom::dmarc_report
