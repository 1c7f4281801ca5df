// Appending delivery records to the spool (dmarc_report.spool): one file
// per UTC day, <spool>/<YYYY-MM-DD>.records, opened with O_APPEND and
// written with one write(2) per record, so concurrent deliveries never
// interleave and a record is in the file or not at all.
//
// Why a file per day and not LMDB (the spam and Sieve stores): a delivery
// only appends and `mailroom dmarc send` reads a whole day once, in order;
// an append costs one open and one write (no map, no lock file, no page
// faults on a B-tree, which on this VM cost 10 us each), the file is
// opened as root before privileges drop so that every user's delivery can
// write it, and an old day is removed with one unlink.
#pragma once

#include <cstdint>
#include <string>

#include "mailroom/dmarc_report/record.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dmarc_report {

// "2026-12-07" for a time in seconds since the epoch (UTC).
[[nodiscard]] std::string day_of(std::int64_t time);

class Recorder {
 public:
  Recorder() = default;  // records nothing
  // Opens (creating, mode 0640) today's file in `spool`; `spool` empty:
  // recording is off. Never fails: an error is logged and nothing is
  // recorded (a report is not worth a delivery).
  static Recorder open(const std::string& spool, std::int64_t now);

  [[nodiscard]] bool active() const { return fd_.valid(); }
  // Appends `record` with one write(2); errors are logged, never returned.
  void append(const DeliveryRecord& record) const noexcept;

 private:
  UniqueFd fd_;
  std::string path_;
};

}  // namespace mailroom::dmarc_report
