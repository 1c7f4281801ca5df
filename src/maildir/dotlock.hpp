// Dovecot's dotlock convention (lib/file-dotlock.c, as used for the
// subscriptions file): the lock is "<file>.lock", created with O_EXCL; the
// holder writes the new content INTO the lock file and renames it over
// <file>, so the lock file is also the temp file and readers only ever see
// a complete old or new file. A lock is stale when neither it nor the file
// it protects changed for stale_seconds (Dovecot: 30 s for subscriptions).
#pragma once

#include <sys/types.h>

#include <string>

#include "mailroom/util/result.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::maildir::detail {

struct DotlockSettings {
  int timeout_ms = 5000;
  int stale_seconds = 30;
  mode_t mode = 0600;
};

class Dotlock {
 public:
  static Result<Dotlock> acquire(int dirfd, const std::string& name, const std::string& dir_path,
                                 const DotlockSettings& settings);
  Dotlock(Dotlock&& other) noexcept;
  Dotlock& operator=(Dotlock&&) = delete;
  Dotlock(const Dotlock&) = delete;
  Dotlock& operator=(const Dotlock&) = delete;
  ~Dotlock();  // unlinks the lock if still held

  int fd() const { return fd_.get(); }
  // fsyncs (if asked) and renames the lock file over the protected file.
  Status replace(bool fsync);

 private:
  Dotlock(int dirfd, std::string name, std::string dir_path, UniqueFd fd);
  int dirfd_ = -1;
  std::string name_;
  std::string dir_path_;
  UniqueFd fd_;
  bool held_ = false;
};

}  // namespace mailroom::maildir::detail
