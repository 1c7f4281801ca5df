// Markers of reports sent (sent_state.hpp).
#include "dmarc_report/sent_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace mailroom::dmarc_report {
namespace {

// True when the directory was made now (its parent then needs a sync).
Result<bool> make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0750) == 0) return true;
  if (errno == EEXIST) return false;
  return fail_errno(ErrorKind::temporary, "cannot make " + path, errno);
}

Status sync_dir(const std::string& path) {
  UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir || ::fsync(dir.get()) != 0)
    return fail_errno(ErrorKind::temporary, "cannot sync " + path, errno);
  return ok();
}

}  // namespace

std::string marker_name(const std::string& domain) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : domain) {
    auto c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                 (c == '.' && !out.empty());
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out.empty() ? "%" : out;
}

Result<SentState> SentState::open(const std::string& spool) {
  SentState state;
  state.dir_ = spool + "/sent";
  const std::string lock_path = spool + "/send.lock";
  // O_CLOEXEC: sendmail must not hold the lock, the child that marks does
  // (fork keeps it, exec drops it).
  state.lock_ = UniqueFd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640));
  if (!state.lock_) return fail_errno(ErrorKind::temporary, "cannot open " + lock_path, errno);
  while (::flock(state.lock_.get(), LOCK_EX) != 0)
    if (errno != EINTR) return fail_errno(ErrorKind::temporary, "cannot lock " + lock_path, errno);
  if (auto made = make_dir(state.dir_); !made) return tl::unexpected(made.error());
  return state;
}

bool SentState::is_marked(const std::string& day, const std::string& name) const {
  struct stat st {};
  return ::stat((dir_ + "/" + day + "/" + name).c_str(), &st) == 0;
}

Status SentState::mark(const std::string& day, const std::string& name,
                       const std::string& text) const {
  const std::string day_dir = dir_ + "/" + day;
  auto made = make_dir(day_dir);
  if (!made) return tl::unexpected(made.error());
  const std::string path = day_dir + "/" + name;
  const std::string temporary = path + ".tmp";
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
  if (!fd) return fail_errno(ErrorKind::temporary, "cannot write " + temporary, errno);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::fsync(fd.get()) != 0)
    return fail_errno(ErrorKind::temporary, "cannot write " + temporary, errno);
  fd.reset();
  if (::rename(temporary.c_str(), path.c_str()) != 0)
    return fail_errno(ErrorKind::temporary, "cannot rename " + temporary, errno);
  if (auto synced = sync_dir(day_dir); !synced) return synced;
  return *made ? sync_dir(dir_) : ok();
}

}  // namespace mailroom::dmarc_report
