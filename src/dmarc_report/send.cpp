// `mailroom dmarc send` (send.hpp): the days to report, the reports due on
// each, and sending each once.
#include "mailroom/dmarc_report/send.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "dmarc_report/day_files.hpp"
#include "dmarc_report/destinations.hpp"
#include "dmarc_report/failure_send.hpp"
#include "dmarc_report/fnv.hpp"
#include "dmarc_report/gzip.hpp"
#include "dmarc_report/interval.hpp"
#include "dmarc_report/merge.hpp"
#include "dmarc_report/report_message.hpp"
#include "dmarc_report/send_child.hpp"
#include "dmarc_report/sent_state.hpp"
#include "mailroom/auth/dmarc_record.hpp"
#include "mailroom/dmarc_report/recorder.hpp"
#include "mailroom/dmarc_report/report.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::dmarc_report {
namespace {

// ri= asks for a report every ri seconds (§6.3). Under a day it is
// honoured in whole hours (interval.hpp); a longer interval in whole days
// up to a week.
constexpr std::int64_t kMaxPeriodDays = 7;

// A period is reported once it ended this long ago: a delivery takes its
// record's time just before the write(2) that appends it, so a run at the
// very second an hour ends could miss a record of that hour still in flight.
constexpr std::int64_t kSettleSeconds = 5;

// Which report of which day: the marker under sent/<day>/ and the words
// for the printed line.
struct Slot {
  std::string day;
  std::string marker;
  std::string label;
};

// Where the markers are: the spool, or Redis when hosts merge (merge.hpp).
struct Markers {
  const SentState& state;
  MergeStore* merge = nullptr;  // the sending host of merged reports
};

std::int64_t period_days(const std::string& policy_record) {
  auto record = auth::parse_dmarc_record(policy_record);
  if (!record) return 1;
  auto days = static_cast<std::int64_t>(record->report_interval / kDay);
  return std::clamp<std::int64_t>(days, 1, kMaxPeriodDays);
}

// The same id for the same report on every run: a retry after a crash
// sends the same Report-ID (FNV-1a, 64 bits; not a secret, only unique).
std::string report_id(const std::string& day, const std::string& domain, std::int64_t begin,
                      std::int64_t end, const std::string& org) {
  std::string id = day;
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  return id + "." + fnv1a_hex(fmt::format("{}!{}!{}!{}", domain, begin, end, org));
}

struct Built {
  AggregateReport report;
  ReportMetadata metadata;
  std::string message;
  std::vector<std::string> recipients;
  std::vector<std::string> notes;
  bool retry_later = false;
};

// The message, and who gets it: a destination whose !size limit the
// message exceeds is left out (§6.4).
Result<Built> build(AggregateReport report, const std::string& day, const SendOptions& options) {
  Built built;
  built.metadata = {
      options.org_name, options.email,
      report_id(day, report.policy_domain, report.begin, report.end, options.org_name)};
  auto gzipped = gzip(to_xml(report, built.metadata));
  if (!gzipped) return tl::unexpected(gzipped.error());
  auto record = auth::parse_dmarc_record(report.policy_record);
  Destinations where;
  if (record) where = destinations(report.policy_domain, *record, *options.resolver, *options.psl);
  built.notes = where.notes;
  built.retry_later = where.retry_later;
  std::vector<std::string> everyone;
  for (const auto& d : where.verified) everyone.push_back(d.address);
  const auto size = report_message(report, built.metadata, everyone, *gzipped, options.now).size();
  for (const auto& d : where.verified) {
    if (d.max_bytes && size > *d.max_bytes) {
      built.notes.push_back("<" + d.address + "> left out: the report is " + std::to_string(size) +
                            " bytes, over its limit of " + std::to_string(*d.max_bytes));
      continue;
    }
    built.recipients.push_back(d.address);
  }
  built.message = report_message(report, built.metadata, built.recipients, *gzipped, options.now);
  built.report = std::move(report);
  return built;
}

// Marked sent by the child that sends it (send_child.hpp); a merged
// report in Redis, over a connection of the child's own.
Status send_and_mark(const Built& built, const Markers& markers, const Slot& slot,
                     const SendOptions& options) {
  const std::string text = "sent " + built.metadata.report_id + "\n";
  return send_in_child(options, built.recipients, built.message, built.report.policy_domain, [&] {
    if (markers.merge == nullptr) return markers.state.mark(slot.day, slot.marker, text);
    auto store = MergeStore::connect(options.merge);
    if (!store) return Status(tl::unexpected(store.error()));
    return store->mark(slot.day, slot.marker, text);
  });
}

Status mark(const Markers& markers, const Slot& slot, const std::string& text) {
  if (markers.merge == nullptr) return markers.state.mark(slot.day, slot.marker, text);
  return markers.merge->mark(slot.day, slot.marker, text);
}

std::string describe(const Built& built, const std::string& day) {
  std::string to;
  for (const auto& r : built.recipients) to += (to.empty() ? "<" : ", <") + r + ">";
  return built.report.policy_domain + " " + day + " to " + to + " (" +
         std::to_string(built.report.rows.size()) + " records, " +
         std::to_string(built.report.messages) + " messages, " +
         std::to_string(built.message.size()) + " bytes, Report-ID " + built.metadata.report_id +
         ")";
}

struct DayOutcome {
  std::vector<std::string> lines;
  bool settled = true;  // every report of the day sent, given up or not yet due
};

// Whether the report was sent (or given up); a Redis that fails to answer
// counts as marked for this run, which then does not settle the day.
bool is_marked(const Markers& markers, const std::string& day, const std::string& marker,
               DayOutcome& outcome) {
  if (markers.merge == nullptr) return markers.state.is_marked(day, marker);
  auto text = markers.merge->marker(day, marker);
  if (!text) {
    outcome.lines.push_back("error " + day + ": " + text.error().message);
    outcome.settled = false;
    return true;
  }
  // Claimed by a sender whose send may yet fail (and give it back): not
  // settled until it is marked sent.
  if (text->starts_with("sending ")) {
    outcome.lines.push_back("later " + day + " " + marker + ": in flight (" + *text + ")");
    outcome.settled = false;
  }
  return !text->empty();
}

// A merged report is claimed in Redis first (SET NX), so that two senders
// never both send it; a failed send gives it back.
Status claim_and_send(const Built& built, const Markers& markers, const Slot& slot,
                      const SendOptions& options) {
  if (markers.merge == nullptr) return send_and_mark(built, markers, slot, options);
  auto claimed = markers.merge->claim(slot.day, slot.marker, options.now);
  if (!claimed) return tl::unexpected(claimed.error());
  if (!*claimed) return fail(ErrorKind::temporary, "another sender has it in flight");
  auto sent = send_and_mark(built, markers, slot, options);
  if (!sent) (void)markers.merge->release(slot.day, slot.marker);
  return sent;
}

void one_report(AggregateReport report, const Slot& slot, const Markers& markers,
                const SendOptions& options, DayOutcome& outcome) {
  const std::string& day = slot.label;
  auto built = build(std::move(report), slot.day, options);
  if (!built) {
    outcome.lines.push_back("error " + day + ": " + built.error().message);
    outcome.settled = false;
    return;
  }
  for (const auto& note : built->notes) outcome.lines.push_back("  " + note);
  if (built->recipients.empty()) {
    if (built->retry_later) {
      outcome.settled = false;
      outcome.lines.push_back("later " + built->report.policy_domain + " " + day);
      return;
    }
    outcome.lines.push_back("skipped " + built->report.policy_domain + " " + day +
                            ": no destination takes it");
    if (!options.dry_run) (void)mark(markers, slot, "skipped: no destination\n");
    return;
  }
  if (options.dry_run) {
    outcome.lines.push_back("would send " + describe(*built, day));
    return;
  }
  if (auto sent = claim_and_send(*built, markers, slot, options); !sent) {
    outcome.settled = false;
    outcome.lines.push_back("failed " + built->report.policy_domain + " " + day + ": " +
                            sent.error().message + " (retried next run)");
    return;
  }
  outcome.lines.push_back("sent " + describe(*built, day));
}

// Without --day, a period is sent once it has ended; with it, as it stands.
bool due(std::int64_t period_end, const SendOptions& options) {
  return options.day.has_value() || period_end + kSettleSeconds <= options.now;
}

// "example.com 2026-12-06", the report in the output.
std::string slot_name(const std::string& domain, const std::string& label) {
  std::string out = domain;
  out.append(" ").append(label);
  return out;
}

// A merged report waits until every host published past the period's end
// (`end`), or until the grace is over: then it goes out with what is there,
// and the output names the hosts left out.
bool wait_for_hosts(const Markers& markers, std::int64_t end, const std::string& what,
                    const SendOptions& options, DayOutcome& outcome) {
  if (markers.merge == nullptr) return false;
  const auto missing = markers.merge->missing(end + kSettleSeconds);
  if (missing.empty()) return false;
  std::string names;
  for (const auto& host : missing) names += (names.empty() ? "" : ", ") + host;
  if (options.now < end + kSettleSeconds + options.merge.grace) {
    outcome.settled = false;
    outcome.lines.push_back("waiting " + what + ": not yet published by " + names);
    return true;
  }
  outcome.lines.push_back("  " + what + ": merged without " + names +
                          " (nothing published since the period ended; grace over)");
  return false;
}

// A day of a domain whose ri= asks for less than a day (interval.hpp): one
// report per interval that has records, each marked on its own.
void send_intervals(const std::string& domain, const std::vector<DeliveryRecord>& records,
                    std::int64_t interval, const std::string& day, std::int64_t day_start,
                    const Markers& markers, const SendOptions& options, DayOutcome& outcome) {
  for (std::int64_t begin = day_start; begin < day_start + kDay; begin += interval) {
    if (!due(begin + interval, options)) {
      outcome.settled = false;
      return;
    }
    const Slot slot{day, interval_marker(domain, begin), interval_label(begin, interval)};
    if (is_marked(markers, day, slot.marker, outcome)) continue;
    if (wait_for_hosts(markers, begin + interval, slot_name(domain, slot.label), options, outcome))
      continue;
    for (auto& report : aggregate(records, begin, begin + interval - 1))
      one_report(std::move(report), slot, markers, options, outcome);
  }
}

// The interval the day's first record of the domain asks for: the day's
// first record, not its latest, so that a record changed during the day
// cannot switch a day half reported hourly to daily (and report twice).
std::int64_t day_interval(const std::vector<DeliveryRecord>& records, std::int64_t day_start) {
  for (const auto& record : records)
    if (record.time >= day_start) return sub_day_interval(record.policy_record);
  return 0;
}

// A day's records: the spool's, or every host's when merged.
Result<DayRecords> day_records(const Markers& markers, const std::string& day,
                               const SendOptions& options) {
  if (markers.merge != nullptr) return markers.merge->records(day);
  return read_day(options.spool, day);
}

DayOutcome send_day(const std::string& day, std::int64_t day_start, const Markers& markers,
                    const SendOptions& options) {
  DayOutcome outcome;
  // The records of this day and, once it is over, the days before it that
  // a longer ri= covers (an unfinished day can only have hourly reports due).
  // The day before always: a delivery opens its day's file when it starts
  // and stamps its record when it ends, so one that spans midnight writes
  // a record of this day into yesterday's file.
  const bool over = due(day_start + kDay, options);
  std::map<std::string, std::vector<DeliveryRecord>> by_domain;
  for (std::int64_t back = over ? kMaxPeriodDays - 1 : 1; back >= 0; --back) {
    auto read = day_records(markers, day_of(day_start - back * kDay), options);
    if (!read) {
      outcome.lines.push_back("error " + day + ": " + read.error().message);
      outcome.settled = false;
      return outcome;
    }
    if (read->bad_lines > 0)
      log::warn("dmarc send: {} unreadable line(s) in {}.records", read->bad_lines,
                day_of(day_start - back * kDay));
    for (auto& record : read->records) by_domain[record.policy_domain].push_back(std::move(record));
  }
  for (auto& [domain, records] : by_domain) {
    if (domain.empty() || is_marked(markers, day, marker_name(domain), outcome)) continue;
    if (const auto interval = day_interval(records, day_start); interval > 0) {
      send_intervals(domain, records, interval, day, day_start, markers, options, outcome);
      continue;
    }
    if (!over) {
      outcome.settled = false;
      continue;
    }
    const auto days = period_days(records.back().policy_record);
    if ((day_start / kDay + 1) % days != 0) continue;  // its period ends on a later day
    const std::int64_t begin = day_start - (days - 1) * kDay;
    const Slot slot{day, marker_name(domain), day};
    if (wait_for_hosts(markers, day_start + kDay, slot_name(domain, day), options, outcome))
      continue;
    for (auto& report : aggregate(records, begin, day_start + kDay - 1))
      one_report(std::move(report), slot, markers, options, outcome);
  }
  return outcome;
}

// The days with delivery records or failure reports before `before`.
std::vector<std::string> spool_days(const std::string& spool, const std::string& before) {
  auto days = recorded_days(spool, before);
  for (auto& day : recorded_days(spool, before, ".failures")) days.push_back(std::move(day));
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

// Day files are kept a while after their reports went out (a postmaster
// may want to look), then removed with their markers.
constexpr std::int64_t kKeepDays = 35;

void prune(const SendOptions& options, const SentState& state) {
  const std::string oldest_kept = day_of(options.now - kKeepDays * kDay);
  for (const auto& day : spool_days(options.spool, oldest_kept)) {
    if (!state.day_done(day)) continue;
    (void)::unlink((options.spool + "/" + day + ".failures").c_str());
    if (::unlink((options.spool + "/" + day + ".records").c_str()) != 0 && errno != ENOENT)
      continue;
    std::error_code ignored;
    std::filesystem::remove_all(options.spool + "/sent/" + day, ignored);
  }
}

}  // namespace

std::optional<std::int64_t> parse_day(std::string_view day) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char tail = 0;
  if (day.size() != 10 ||
      std::sscanf(std::string(day).c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m),
                                         std::chrono::day(d)};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date).time_since_epoch().count() * kDay;
}

namespace {

// The days not yet done: the spool's and, on the sender of merged reports,
// those any host published.
Result<std::vector<std::string>> open_days(const SendOptions& options, const SentState& state,
                                           MergeStore* merge) {
  std::vector<std::string> days;
  if (options.day) return std::vector<std::string>{*options.day};
  // Today too: its hourly reports (ri=3600) fall due before it ends.
  const std::string tomorrow = day_of(options.now + kDay);
  for (auto& day : spool_days(options.spool, tomorrow))
    if (!state.day_done(day)) days.push_back(std::move(day));
  if (merge != nullptr && options.merge.sender()) {
    auto published = merge->days();
    if (!published) return tl::unexpected(published.error());
    for (auto& day : *published)
      if (day < tomorrow && parse_day(day) && !state.day_done(day)) days.push_back(std::move(day));
    std::sort(days.begin(), days.end());
    days.erase(std::unique(days.begin(), days.end()), days.end());
  }
  return days;
}

// Merging: this host's open days go to Redis before anything else, then
// the sender learns how far every host has published.
Result<std::optional<MergeStore>> open_merge(const SendOptions& options, const SentState& state) {
  if (!options.merge.enabled()) return std::optional<MergeStore>();
  auto merge = MergeStore::connect(options.merge);
  if (!merge) return tl::unexpected(merge.error());
  if (!options.dry_run) {
    std::vector<std::string> days;
    for (auto& day : spool_days(options.spool, day_of(options.now + kDay)))
      if (!state.day_done(day)) days.push_back(std::move(day));
    if (auto published = merge->publish(options.spool, days, options.now); !published)
      return tl::unexpected(published.error());
  }
  if (options.merge.sender())
    if (auto loaded = merge->load_published(); !loaded) return tl::unexpected(loaded.error());
  return std::optional<MergeStore>(std::move(*merge));
}

}  // namespace

Result<std::vector<std::string>> send_reports(const SendOptions& options) {
  if (options.spool.empty())
    return fail(ErrorKind::config, "dmarc_report.spool is not set: nothing is recorded");
  if (options.email.empty() || options.email.find('@') == std::string::npos)
    return fail(ErrorKind::config, "dmarc_report.email must be the address reports come from");
  if (options.merge.enabled() && std::find(options.merge.hosts.begin(), options.merge.hosts.end(),
                                           options.merge.host) == options.merge.hosts.end())
    return fail(ErrorKind::config, "dmarc_report.merge_hosts does not name this host (\"" +
                                       options.merge.host + "\", dmarc_report.host_id)");
  auto state = SentState::open(options.spool);
  if (!state) return tl::unexpected(state.error());
  auto merge = open_merge(options, *state);
  if (!merge) return tl::unexpected(merge.error());
  const bool merged_elsewhere = options.merge.enabled() && !options.merge.sender();
  const Markers markers{*state, *merge ? &**merge : nullptr};
  auto days = open_days(options, *state, markers.merge);
  if (!days) return tl::unexpected(days.error());
  std::vector<std::string> lines;
  if (merged_elsewhere)
    lines.push_back(std::string(options.dry_run ? "would publish" : "published") + " to " +
                    options.merge.url + "; " + options.merge.hosts.front() +
                    " sends the merged reports");
  for (const auto& day : *days) {
    auto start = parse_day(day);
    if (!start) return fail(ErrorKind::usage, "not a day (YYYY-MM-DD): " + day);
    // Another host sends the aggregate reports; failure reports stay per host.
    auto outcome = merged_elsewhere ? DayOutcome{{}, *start + kDay + kSettleSeconds <= options.now}
                                    : send_day(day, *start, markers, options);
    auto failures = send_failures(day, *state, options);
    outcome.settled = outcome.settled && failures.settled;
    lines.insert(lines.end(), outcome.lines.begin(), outcome.lines.end());
    lines.insert(lines.end(), failures.lines.begin(), failures.lines.end());
    if (outcome.settled && !options.dry_run && *start + kDay <= options.now) {
      (void)state->mark(day, ".done", "done\n");
      if (markers.merge != nullptr && options.merge.sender()) (void)markers.merge->forget_day(day);
    }
  }
  if (!options.day && !options.dry_run) prune(options, *state);
  return lines;
}

}  // namespace mailroom::dmarc_report
