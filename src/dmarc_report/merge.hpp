// Reports merged across MX hosts on Redis (send.hpp, MergeOptions): each
// host's `dmarc send` publishes its day files, and the sending host reads
// the union back and keeps its exactly-once markers there.
//
// Keys (all under the prefix):
//   records:<day>:<host>  the host's <day>.records as it stood at publishing
//                         (SET, so a rerun replaces and never double-counts)
//   published:<host>      when the host last published: every record it
//                         appended before then is in records:*
//   days                  a set of the days that have records anywhere
//   sent:<day>:<marker>   "sending <host> <time>" while a report is in
//                         flight (SET NX, expires), then "sent <id>"
// records:* and sent:* expire after 40 days (the spool keeps 35).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dmarc_report/day_files.hpp"
#include "mailroom/dmarc_report/send.hpp"
#include "mailroom/redis/client.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::dmarc_report {

class MergeStore {
 public:
  // Connects; ErrorKind::config for a bad URL, temporary when unreachable.
  [[nodiscard]] static Result<MergeStore> connect(const MergeOptions& options);

  // Publishes `days` of the spool (SET each, then published:<host> = now),
  // in one pipeline, so readers never see the time before the records.
  [[nodiscard]] Status publish(const std::string& spool, const std::vector<std::string>& days,
                               std::int64_t now);
  // The days any host published (the sender reports them all).
  [[nodiscard]] Result<std::vector<std::string>> days();
  // Reads every host's published:<host>, for missing().
  [[nodiscard]] Status load_published();
  // The hosts of merge_hosts that have not published since `end`.
  [[nodiscard]] std::vector<std::string> missing(std::int64_t end) const;
  // The union of every host's records of `day`.
  [[nodiscard]] Result<DayRecords> records(const std::string& day);

  // The report's marker: "" when none, else its text ("sent ...", "sending ...").
  [[nodiscard]] Result<std::string> marker(const std::string& day, const std::string& name);
  // Takes the report for this run (SET NX with a lease); false when another
  // sender holds or sent it.
  [[nodiscard]] Result<bool> claim(const std::string& day, const std::string& name,
                                   std::int64_t now);
  [[nodiscard]] Status mark(const std::string& day, const std::string& name,
                            const std::string& text);
  // Gives a claimed report back (its send failed): the next run sends it.
  [[nodiscard]] Status release(const std::string& day, const std::string& name);
  // The day is done here: no longer listed by days().
  [[nodiscard]] Status forget_day(const std::string& day);

 private:
  MergeStore(redis::RedisClient client, MergeOptions options)
      : client_(std::move(client)), options_(std::move(options)) {}
  [[nodiscard]] Result<redis::Reply> call(const redis::RedisCommand& command);

  redis::RedisClient client_;
  MergeOptions options_;
  std::map<std::string, std::int64_t> published_;
};

}  // namespace mailroom::dmarc_report
