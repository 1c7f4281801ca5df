#include "mailroom/util/trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

namespace mailroom {
namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// "" when `st` is safe; else what is wrong and how to fix it. A shared
// directory such as /tmp is not to be "fixed": the file must move.
std::string problem_with(const std::string& path, const struct stat& st, uid_t also_trusted,
                         const std::string& file) {
  const bool is_file = path == file;
  if (st.st_uid != 0 && st.st_uid != also_trusted)
    return path + " is owned by uid " + std::to_string(st.st_uid) + "; fix: chown root " + path;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return {};
  std::string problem = path + " is writable by " +
                        ((st.st_mode & S_IWOTH) != 0 ? "everyone" : "its group") + " (mode " +
                        octal_mode(st.st_mode) + ")";
  if (is_file) return problem + "; fix: chmod go-w " + path;
  if ((st.st_mode & S_ISVTX) != 0)
    return problem + ", and its sticky bit does not stop anyone creating " + file +
           " first; fix: move the file into a directory only root can write (/etc/mailroom)";
  return problem + "; fix: chmod go-w " + path + ", or move the file into /etc/mailroom";
}

Result<std::string> resolve(const std::string& path, std::string_view what) {
  std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
  if (!real)
    return fail_errno(ErrorKind::config, "cannot check " + std::string(what) + " " + path, errno);
  return std::string(real.get());
}

}  // namespace

Status check_trusted_path(const std::string& path, std::string_view what, uid_t also_trusted) {
  auto real = resolve(path, what);
  if (!real) return tl::unexpected(real.error());
  // /dev/null reads as empty whoever writes to it: the usual way to say
  // "no file, the defaults" (`config check -c /dev/null`).
  if (*real == "/dev/null") return ok();
  std::string current = *real;
  while (true) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0)
      return fail_errno(ErrorKind::config, "cannot check " + std::string(what) + " " + path, errno);
    if (auto problem = problem_with(current, st, also_trusted, *real); !problem.empty()) {
      std::string message = "refusing ";
      message.append(what).append(" ").append(path);
      message.append(" (only root may be able to change it): ").append(problem);
      return fail(ErrorKind::config, std::move(message));
    }
    if (current == "/") return ok();
    current = parent_of(current);
  }
}

Status check_trusted_configuration(const Config& config) {
  return check_trusted_configuration(config, ::geteuid());
}

Status check_trusted_configuration(const Config& config, uid_t effective_uid) {
  if (effective_uid != 0) return ok();
  if (config.source != Config{}.source)
    if (auto trusted = check_trusted_path(config.source, "configuration file"); !trusted)
      return trusted;
  if (config.users.virtual_file.empty()) return ok();
  return check_trusted_path(config.users.virtual_file, "virtual users file (users.virtual_file)");
}

}  // namespace mailroom
