// The compiled form on disk: read it when it can be trusted, else compile
// and write it again, atomically. Every failure here only costs a compile.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "mailroom/sieve/binary.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::sieve {
namespace {

struct Source {
  std::string text;
  struct stat stat {};
};

Result<Source> read_source(const std::string& path, const Limits& limits) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(ErrorKind::parse, "cannot read " + path, errno);
  Source source;
  if (::fstat(fd.get(), &source.stat) != 0)
    return fail_errno(ErrorKind::parse, "cannot read " + path, errno);
  bool longer = false;
  source.text.reserve(static_cast<std::size_t>(source.stat.st_size) + 1);
  if (int err = read_to_end(fd.get(), limits.max_script_size, source.text, &longer); err != 0)
    return fail_errno(ErrorKind::parse, "cannot read " + path, err);
  // One byte over the limit, so that parse_script reports the limit.
  if (longer) source.text.push_back('\0');
  return source;
}

// Only a form that the script's owner (or we, or root) wrote, and that
// nobody else may change, is read: beside a global script a user must not
// be able to plant one.
bool trusted_form(const struct stat& form, const struct stat& script) {
  if (!S_ISREG(form.st_mode) || (form.st_mode & (S_IWGRP | S_IWOTH)) != 0) return false;
  return form.st_uid == script.st_uid || form.st_uid == ::geteuid() || form.st_uid == 0;
}

tl::expected<Program, std::string> read_form(const std::string& path, const Source& source,
                                             const Limits& limits, std::string_view build) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) return tl::unexpected(std::string(errno == ENOENT ? "none yet" : std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !trusted_form(st, source.stat))
    return tl::unexpected(std::string("not trusted (owner or mode)"));
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size) + 1);
  bool longer = false;
  // The form holds the source and the Program: a few times the script.
  std::size_t max = 16 * limits.max_script_size;
  if (read_to_end(fd.get(), max, bytes, &longer) != 0 || longer)
    return tl::unexpected(std::string("unreadable"));
  return decode_binary(bytes, source.text, build, limits);
}

// A temporary file in the same directory, renamed over the form: a reader
// sees the old form or the new one, never half of one. No fsync: a form
// torn by a crash fails its checksum and is compiled again.
std::string write_form(const std::string& path, const std::string& bytes, mode_t script_mode) {
  std::string temporary = path + ".tmp" + std::to_string(::getpid());
  // As readable as the script, no more (it holds the script's text).
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                     script_mode & 0644));
  if (!fd) return std::string("not written: ") + std::strerror(errno);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = std::string("not written: ") + std::strerror(n < 0 ? errno : ENOSPC);
      ::unlink(temporary.c_str());
      return why;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string why = std::string("not written: ") + std::strerror(errno);
    ::unlink(temporary.c_str());
    return why;
  }
  return {};
}

}  // namespace

Result<LoadedScript> load_script(const std::string& path, const Limits& limits,
                                 std::string_view build) {
  auto source = read_source(path, limits);
  if (!source) return tl::unexpected(source.error());
  LoadedScript loaded;
  if (build.empty()) {
    loaded.program = compile(source->text, limits);
    loaded.note = "no build id: compiled in memory";
    return loaded;
  }
  const std::string form_path = binary_path(path);
  auto form = read_form(form_path, *source, limits, build);
  if (form) {
    loaded.program = std::move(*form);
    loaded.from_binary = true;
    return loaded;
  }
  loaded.note = form.error();
  loaded.program = compile(source->text, limits);
  // A script with errors gets no form: it is compiled, and reported, each time.
  if (loaded.program) {
    std::string written = write_form(form_path, encode_binary(*loaded.program, source->text, build),
                                     source->stat.st_mode);
    if (!written.empty()) loaded.note += "; " + written;
  }
  return loaded;
}

}  // namespace mailroom::sieve
