#include "server/managesieve/scripts.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "mailroom/server/managesieve.hpp"
#include "mailroom/util/file.hpp"

namespace mailroom::server::managesieve {
namespace {

constexpr std::string_view kSuffix = ".sieve";

std::string file_of(const std::string& name) { return name + std::string(kSuffix); }

StoreError trouble(const std::string& what, int error) {
  return StoreError{"TRYLATER", what + ": " + std::strerror(error)};
}

tl::unexpected<StoreError> refuse(std::string code, std::string message) {
  return tl::unexpected(StoreError{std::move(code), std::move(message)});
}

std::string real_path(const std::string& path) {
  char buffer[PATH_MAX];
  return ::realpath(path.c_str(), buffer) != nullptr ? std::string(buffer) : std::string();
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : slash == 0 ? "/" : path.substr(0, slash);
}

// A name for a file of our own beside others, never a script's name (the
// leading '.' is refused in script names).
std::string temporary_name(std::string_view what) {
  static std::atomic<unsigned> counter{0};
  return ".mailroom-" + std::string(what) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++);
}

bool write_all_fd(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

StoreResult<ScriptStore> ScriptStore::open(StoreSetup setup) {
  if (setup.dir.empty()) return refuse("", "no script directory (sieve.include_dir is empty)");
  if (::mkdir(setup.dir.c_str(), 0700) != 0 && errno != EEXIST)
    return tl::unexpected(trouble("cannot make " + setup.dir, errno));
  UniqueFd dir(::open(setup.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return tl::unexpected(trouble("cannot open " + setup.dir, errno));
  return ScriptStore(std::move(setup), std::move(dir));
}

bool ScriptStore::exists(const std::string& name) const {
  struct stat st {};
  return ::fstatat(dir_.get(), file_of(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
         S_ISREG(st.st_mode);
}

std::string ScriptStore::active() const {
  if (setup_.active_link.empty()) return {};
  struct stat st {};
  if (::lstat(setup_.active_link.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return {};
  std::string target = real_path(setup_.active_link);
  std::string dir = real_path(setup_.dir);
  if (target.empty() || dir.empty() || parent_of(target) != dir) return {};
  std::string file = target.substr(dir.size() + 1);
  if (!file.ends_with(kSuffix)) return {};
  std::string name = file.substr(0, file.size() - kSuffix.size());
  return script_name_problem(name).empty() ? name : std::string();
}

StoreResult<std::vector<ScriptEntry>> ScriptStore::list() const {
  int copy = ::fcntl(dir_.get(), F_DUPFD_CLOEXEC, 0);
  DIR* stream = copy < 0 ? nullptr : ::fdopendir(copy);
  if (stream == nullptr) {
    int error = errno;
    if (copy >= 0) ::close(copy);
    return tl::unexpected(trouble("cannot list " + setup_.dir, error));
  }
  ::rewinddir(stream);
  std::vector<ScriptEntry> out;
  std::string active_name = active();
  while (dirent* entry = ::readdir(stream)) {
    std::string file = entry->d_name;
    if (!file.ends_with(kSuffix)) continue;
    std::string name = file.substr(0, file.size() - kSuffix.size());
    struct stat st {};
    if (!script_name_problem(name).empty() ||
        ::fstatat(dir_.get(), file.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      continue;
    out.push_back({name, static_cast<std::uint64_t>(st.st_size), name == active_name});
  }
  ::closedir(stream);
  std::sort(out.begin(), out.end(),
            [](const ScriptEntry& a, const ScriptEntry& b) { return a.name < b.name; });
  return out;
}

StoreResult<std::string> ScriptStore::get(const std::string& name) const {
  UniqueFd fd(
      ::openat(dir_.get(), file_of(name).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (!fd && errno != ENOENT && errno != ELOOP) return tl::unexpected(trouble(name, errno));
    return refuse("NONEXISTENT", "There is no script named " + name + ".");
  }
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size) + 1);
  if (int error = read_to_end(fd.get(), 16 * setup_.max_script_size, text); error != 0)
    return tl::unexpected(trouble(name, error));
  return text;
}

// RFC 5804 §2.3: the same checks PUTSCRIPT makes, without storing.
StoreStatus ScriptStore::have_space(const std::string& name, std::uint64_t size) const {
  if (size > setup_.max_script_size)
    return refuse("QUOTA/MAXSIZE", "A script may have at most " +
                                       std::to_string(setup_.max_script_size) + " octets.");
  auto scripts = list();
  if (!scripts) return tl::unexpected(scripts.error());
  std::uint64_t total = size;
  std::size_t count = 1;
  for (const auto& script : *scripts) {
    if (script.name == name) continue;  // replaced
    total += script.size;
    ++count;
  }
  if (count > setup_.max_scripts)
    return refuse("QUOTA/MAXSCRIPTS",
                  "At most " + std::to_string(setup_.max_scripts) + " scripts may be stored.");
  if (total > setup_.quota)
    return refuse("QUOTA", "The scripts together may have at most " + std::to_string(setup_.quota) +
                               " octets.");
  return {};
}

StoreStatus ScriptStore::put(const std::string& name, const std::string& text) {
  if (auto space = have_space(name, text.size()); !space) return space;
  std::string temporary = temporary_name("put");
  UniqueFd fd(::openat(dir_.get(), temporary.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return tl::unexpected(trouble("cannot write in " + setup_.dir, errno));
  // fsync before the rename, the directory after (as a Maildir delivery):
  // after OK the script is there, whole, even after a crash.
  bool written = write_all_fd(fd.get(), text) && ::fsync(fd.get()) == 0;
  int error = errno;
  if (!written ||
      ::renameat(dir_.get(), temporary.c_str(), dir_.get(), file_of(name).c_str()) != 0) {
    error = written ? errno : error;
    ::unlinkat(dir_.get(), temporary.c_str(), 0);
    return tl::unexpected(trouble("cannot store " + name, error));
  }
  (void)::fsync(dir_.get());
  return {};
}

StoreStatus ScriptStore::remove(const std::string& name) {
  if (!exists(name)) return refuse("NONEXISTENT", "There is no script named " + name + ".");
  // §2.10: the active script cannot be deleted.
  if (active() == name) return refuse("ACTIVE", "The active script cannot be deleted.");
  if (::unlinkat(dir_.get(), file_of(name).c_str(), 0) != 0)
    return tl::unexpected(trouble("cannot delete " + name, errno));
  (void)::unlinkat(dir_.get(), (name + ".mrsvbin").c_str(), 0);  // its compiled form
  return {};
}

// §2.11.1: a renamed active script stays active. A hard link first, then
// the active link moved, then the old name removed: a delivery in between
// finds a script under either name, never a dangling link.
StoreStatus ScriptStore::rename(const std::string& from, const std::string& to) {
  if (!exists(from)) return refuse("NONEXISTENT", "There is no script named " + from + ".");
  bool was_active = active() == from;
  if (::linkat(dir_.get(), file_of(from).c_str(), dir_.get(), file_of(to).c_str(), 0) != 0) {
    if (errno == EEXIST) return refuse("ALREADYEXISTS", "A script named " + to + " exists.");
    return tl::unexpected(trouble("cannot rename " + from, errno));
  }
  if (was_active) {
    if (auto moved = point_link_at(to); !moved) {
      ::unlinkat(dir_.get(), file_of(to).c_str(), 0);
      return moved;
    }
  }
  ::unlinkat(dir_.get(), file_of(from).c_str(), 0);
  (void)::unlinkat(dir_.get(), (from + ".mrsvbin").c_str(), 0);
  (void)::fsync(dir_.get());
  return {};
}

// A hand-written ~/.dovecot.sieve (a regular file) is kept as the script
// "dovecot.orig", as Pigeonhole does, before the link replaces it.
StoreStatus ScriptStore::adopt_regular_active() {
  struct stat st {};
  if (::lstat(setup_.active_link.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return {};
  if (exists("dovecot.orig"))
    return refuse("", setup_.active_link +
                          " is a file and the script dovecot.orig exists: "
                          "move one of them away first.");
  std::string kept = setup_.dir + "/" + file_of("dovecot.orig");
  if (::rename(setup_.active_link.c_str(), kept.c_str()) != 0)
    return tl::unexpected(trouble("cannot move " + setup_.active_link + " to " + kept, errno));
  return {};
}

StoreStatus ScriptStore::point_link_at(const std::string& name) {
  std::string link_dir = parent_of(setup_.active_link);
  std::string target = setup_.dir + "/" + file_of(name);
  if (setup_.dir.starts_with(link_dir + "/")) target = target.substr(link_dir.size() + 1);
  // A new link under a temporary name renamed over the old one: the active
  // script changes in one step.
  std::string temporary = link_dir + "/" + temporary_name("link");
  if (::symlink(target.c_str(), temporary.c_str()) != 0)
    return tl::unexpected(trouble("cannot make a link in " + link_dir, errno));
  if (::rename(temporary.c_str(), setup_.active_link.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    return tl::unexpected(trouble("cannot replace " + setup_.active_link, error));
  }
  return {};
}

StoreStatus ScriptStore::activate(const std::string& name) {
  if (setup_.active_link.empty())
    return refuse("", "No script can be active (sieve.script is empty).");
  if (auto adopted = adopt_regular_active(); !adopted) return adopted;
  if (name.empty()) {
    struct stat st {};
    if (::lstat(setup_.active_link.c_str(), &st) == 0 && S_ISLNK(st.st_mode) &&
        ::unlink(setup_.active_link.c_str()) != 0)
      return tl::unexpected(trouble("cannot remove " + setup_.active_link, errno));
    return {};
  }
  if (!exists(name)) return refuse("NONEXISTENT", "There is no script named " + name + ".");
  return point_link_at(name);
}

}  // namespace mailroom::server::managesieve
