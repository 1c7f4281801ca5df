// [srs] of mailroom.toml as srs::Options.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "mailroom/srs/srs.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::srs {
namespace {

constexpr std::size_t kMaxSecretFile = 64 << 10;

Result<std::string> read_all(int fd, const std::string& path) {
  std::string text;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::config, "cannot read " + path, errno);
    if (n == 0) return text;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > kMaxSecretFile) return fail(ErrorKind::config, path + " is too large");
  }
}

void add_lines(std::string_view text, std::vector<std::string>& secrets) {
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty() && line.front() != '#') secrets.emplace_back(line);
  }
}

}  // namespace

Result<Options> options_from(const SrsConfig& config, int secret_fd) {
  Options options;
  options.domain = config.domain;
  options.secrets = config.secrets;
  options.max_age_days = static_cast<unsigned>(config.max_age.count() / 86400);
  options.hash_length = static_cast<unsigned>(config.hash_length);
  if (config.secret_file.empty()) return options;
  UniqueFd own;
  if (secret_fd < 0) {
    own = UniqueFd(::open(config.secret_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!own) return fail_errno(ErrorKind::config, "cannot open " + config.secret_file, errno);
    secret_fd = own.get();
  } else if (::lseek(secret_fd, 0, SEEK_SET) < 0) {
    return fail_errno(ErrorKind::config, "cannot read " + config.secret_file, errno);
  }
  auto text = read_all(secret_fd, config.secret_file);
  if (!text) return tl::unexpected(text.error());
  add_lines(*text, options.secrets);
  return options;
}

}  // namespace mailroom::srs
