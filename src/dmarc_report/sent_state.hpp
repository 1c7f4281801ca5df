// The durable state of `dmarc send` under <spool>/sent/: one marker file
// per report sent (or given up), <day>/<domain>, and <day>/.done once
// every report of that day is settled; <spool>/send.lock serialises runs
// (send.hpp says how that makes each report go out once).
#pragma once

#include <string>

#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::dmarc_report {

class SentState {
 public:
  // Takes <spool>/send.lock (waiting for a run, or a sending child of a
  // killed run, to finish) and makes <spool>/sent.
  static Result<SentState> open(const std::string& spool);

  [[nodiscard]] bool is_marked(const std::string& day, const std::string& name) const;
  // Writes <day>/<name> holding `text`: a temporary file, fsync, rename,
  // fsync of the directory; true once it is on disk.
  [[nodiscard]] Status mark(const std::string& day, const std::string& name,
                            const std::string& text) const;
  [[nodiscard]] bool day_done(const std::string& day) const { return is_marked(day, ".done"); }

 private:
  std::string dir_;
  UniqueFd lock_;
};

// A domain as a file name: [a-z0-9.-_] kept, anything else %XX, no leading dot.
[[nodiscard]] std::string marker_name(const std::string& domain);

}  // namespace mailroom::dmarc_report
