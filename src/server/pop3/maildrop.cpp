#include "server/pop3/maildrop.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "mailroom/util/unique_fd.hpp"

namespace mailroom::server::pop3 {
namespace {

constexpr std::uint64_t kMaxMessage = std::uint64_t{1} << 31;  // read() keeps one in memory

std::string base_name(const std::string& name) { return name.substr(0, name.find(':')); }

// The base name when it is a valid unique-id, else its SHA-256 in hex
// (40 digits): a Maildir name from another program may be longer than 70.
std::string uidl_of(const std::string& base) {
  bool valid = !base.empty() && base.size() <= 70 &&
               std::all_of(base.begin(), base.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (valid) return base;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  ::SHA256(reinterpret_cast<const unsigned char*>(base.data()), base.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 20; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Result<UniqueFd> open_message(const std::string& path) {
  // O_NOFOLLOW: a symlink in the user's own Maildir is not followed.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return fail_errno(ErrorKind::temporary, "open " + path, errno);
  return fd;
}

Result<std::string> read_fd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail_errno(ErrorKind::temporary, "fstat", errno);
  if (!S_ISREG(st.st_mode)) return fail(ErrorKind::temporary, "not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > kMaxMessage)
    return fail(ErrorKind::limit, "message too large to send");
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::temporary, "read", errno);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

// Octets of the message as RETR sends it (before dot-stuffing): every bare
// LF becomes CRLF, and a missing final line end is added.
std::uint64_t wire_size(const std::string& text) {
  std::uint64_t size = text.size();
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) ++size;
  if (!text.empty() && text.back() != '\n') size += 2;
  return size;
}

Status scan(const std::string& root, const char* sub, std::vector<DropMessage>& out) {
  std::string dir = root + "/" + sub;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return fail_errno(ErrorKind::temporary, "opendir " + dir, errno);
  while (const dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name.empty() || name.front() == '.') continue;
    std::string rel = std::string(sub) + "/" + name;
    std::string path = root;
    path.append("/").append(rel);
    auto fd = open_message(path);
    if (!fd) continue;  // gone meanwhile, or a symlink: not ours to serve
    auto text = read_fd(fd->get());
    if (!text) continue;
    out.push_back(DropMessage{rel, uidl_of(base_name(name)), wire_size(*text), false});
  }
  ::closedir(handle);
  return ok();
}

}  // namespace

Result<Maildrop> Maildrop::open(const std::string& maildir) {
  Maildrop drop;
  drop.root_ = maildir;
  for (const char* sub : {"new", "cur"})
    if (auto scanned = scan(maildir, sub, drop.messages_); !scanned)
      return tl::unexpected(scanned.error());
  // Delivery order: Maildir names start with the delivery time.
  std::sort(drop.messages_.begin(), drop.messages_.end(),
            [](const DropMessage& a, const DropMessage& b) { return a.uidl < b.uidl; });
  return drop;
}

Result<std::string> Maildrop::read(const DropMessage& message) const {
  auto fd = open_message(root_ + "/" + message.path);
  if (!fd) return tl::unexpected(fd.error());
  return read_fd(fd->get());
}

Status Maildrop::commit() {
  std::vector<DropMessage> now;
  bool rescanned = false;
  int first_errno = 0;
  for (const auto& message : messages_) {
    if (!message.deleted) continue;
    if (::unlink((root_ + "/" + message.path).c_str()) == 0) continue;
    if (errno != ENOENT) {
      first_errno = first_errno != 0 ? first_errno : errno;
      continue;
    }
    if (!rescanned) {
      for (const char* sub : {"new", "cur"}) (void)scan(root_, sub, now);
      rescanned = true;
    }
    for (const auto& moved : now)
      if (moved.uidl == message.uidl) ::unlink((root_ + "/" + moved.path).c_str());
  }
  if (first_errno != 0) return fail_errno(ErrorKind::temporary, "unlink", first_errno);
  for (const char* sub : {"new", "cur"}) {
    UniqueFd dir(::open((root_ + "/" + sub).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir && ::fsync(dir.get()) != 0) return fail_errno(ErrorKind::temporary, "fsync", errno);
  }
  return ok();
}

}  // namespace mailroom::server::pop3
