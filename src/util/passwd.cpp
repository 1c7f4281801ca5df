// find_user_by_name/uid: glibc's NSS in the dynamic build, the own reader
// (passwd_files.cpp) in the static one. MAILROOM_OWN_PASSWD is set by
// src/util/CMakeLists.txt from MAILROOM_STATIC.
#include "mailroom/util/passwd.hpp"

#if MAILROOM_OWN_PASSWD
#include "mailroom/util/passwd_files.hpp"
#else
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>
#endif

namespace mailroom {

#if MAILROOM_OWN_PASSWD

Result<PasswdEntry> find_user_by_name(std::string_view name) {
  return find_user_by_name(name, PasswdSources{});
}

Result<PasswdEntry> find_user_by_uid(uid_t uid) { return find_user_by_uid(uid, PasswdSources{}); }

#else

namespace {

// getpwnam_r/getpwuid_r with a buffer that grows on ERANGE. A miss is
// "found nothing and no error" (getpwnam_r(3)); glibc may also say ENOENT
// (or another "not found" errno from a module) for a miss.
template <class Lookup>
Result<PasswdEntry> ask_nss(const std::string& what, Lookup lookup) {
  long suggested = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : 4096);
  constexpr std::size_t kMaxBuffer = std::size_t{1} << 20;
  while (true) {
    struct passwd entry {};
    struct passwd* found = nullptr;
    const int err = lookup(&entry, buffer.data(), buffer.size(), &found);
    if (err == ERANGE && buffer.size() < kMaxBuffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (found != nullptr)
      return PasswdEntry{found->pw_name, found->pw_uid, found->pw_gid, found->pw_dir};
    if (err == 0 || err == ENOENT) return fail(ErrorKind::no_user, "no such user: " + what);
    return fail_errno(ErrorKind::temporary,
                      "looking up user " + what + " (the name service may be down)", err);
  }
}

}  // namespace

Result<PasswdEntry> find_user_by_name(std::string_view name) {
  const std::string key(name);
  return ask_nss(key, [&](passwd* entry, char* buffer, std::size_t size, passwd** found) {
    return ::getpwnam_r(key.c_str(), entry, buffer, size, found);
  });
}

Result<PasswdEntry> find_user_by_uid(uid_t uid) {
  return ask_nss(std::to_string(uid),
                 [&](passwd* entry, char* buffer, std::size_t size, passwd** found) {
                   return ::getpwuid_r(uid, entry, buffer, size, found);
                 });
}

void kill_lookup_helpers_from_signal_handler() noexcept {}

#endif

std::string expand_user_path(const std::string& pattern, const std::string& home,
                             const std::string& name) {
  // The text between "%u"s is appended whole, not a character at a time
  // (a tenth of the instructions: deliver expands about seven paths).
  std::string_view rest = pattern;
  std::string out;
  out.reserve(pattern.size() + home.size() + name.size());
  if (rest.starts_with('~')) {
    out += home;
    rest.remove_prefix(1);
  }
  for (auto at = rest.find("%u"); at != std::string_view::npos; at = rest.find("%u")) {
    out.append(rest.substr(0, at)).append(name);
    rest.remove_prefix(at + 2);
  }
  return out.append(rest);
}

}  // namespace mailroom
