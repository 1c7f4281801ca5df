// The record of recent deliveries (see delivery_record.hpp for why it is a
// directory of symbolic links and what the key covers).
#include "mailroom/maildir/delivery_record.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "maildir/file_io.hpp"
#include "maildir/guard.hpp"
#include "maildir/siphash.hpp"
#include "maildir/sys_error.hpp"

namespace mailroom::maildir {
namespace {

constexpr const char* kDirectory = "mailroom-deliveries";
constexpr const char* kSecret = ".key";
constexpr const char* kExpiredStamp = ".expired";
constexpr std::size_t kKeyDigits = 32;
// Large input is keyed by its head, its tail and its length (see header).
constexpr std::size_t kWholeUpTo = std::size_t{1} << 20;
constexpr std::size_t kTail = std::size_t{64} << 10;

bool is_hex(std::string_view text, std::size_t digits) {
  if (text.size() != digits) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// readlinkat into a string; nullopt with errno on failure.
std::optional<std::string> read_link(int dirfd, const char* name) {
  char buffer[4096];
  const ssize_t n = ::readlinkat(dirfd, name, buffer, sizeof buffer);
  if (n < 0) return std::nullopt;
  return std::string(buffer, static_cast<std::size_t>(n));
}

// Makes ".key" (16 random bytes, hex) unless another delivery made it first.
Status make_secret(int dirfd, const std::string& path) {
  std::array<std::uint8_t, 16> secret{};
  if (::getrandom(secret.data(), secret.size(), GRND_NONBLOCK) !=
      static_cast<ssize_t>(secret.size()))
    return detail::io_error("no random bytes for", path + "/" + kSecret, errno);
  const std::string hex = to_hex(secret);
  if (::symlinkat(hex.c_str(), dirfd, kSecret) != 0 && errno != EEXIST)
    return detail::io_error("cannot create", path + "/" + kSecret, errno);
  return ok();
}

}  // namespace

Result<DeliveryRecord> DeliveryRecord::open(const Maildir& maildir,
                                            const RecordSettings& settings) {
  return detail::guarded("opening the delivery record", [&]() -> Result<DeliveryRecord> {
    DeliveryRecord record;
    record.settings_ = settings;
    record.rootfd_ = maildir.root_fd();
    record.path_ = maildir.root() + "/" + kDirectory;
    bool created = false;
    record.dir_.reset(detail::open_or_create_directory_at(
        record.rootfd_, kDirectory, maildir.options().dir_mode, true, &created));
    if (!record.dir_) {
      if (errno == ENOTDIR)
        return detail::not_a_directory("cannot open", record.path_, record.rootfd_, kDirectory);
      return detail::io_error("cannot open", record.path_, errno);
    }
    auto secret = read_link(record.dir_.get(), kSecret);
    if (!secret && errno == ENOENT) {
      if (auto made = make_secret(record.dir_.get(), record.path_); !made)
        return tl::unexpected(made.error());
      secret = read_link(record.dir_.get(), kSecret);
    }
    if (!secret || !is_hex(*secret, kKeyDigits)) {
      return fail(ErrorKind::temporary, record.path_ + "/" + kSecret +
                                            " is not 32 hex digits; remove " + record.path_ +
                                            " to start a new record");
    }
    for (std::size_t i = 0; i < record.secret_.size(); ++i) {
      record.secret_[i] = static_cast<std::uint8_t>(hex_value((*secret)[2 * i]) * 16 +
                                                    hex_value((*secret)[2 * i + 1]));
    }
    return record;
  });
}

std::string DeliveryRecord::key(std::string_view message, std::string_view recipient) const {
  detail::SipHash128 hash(secret_);
  hash.update(recipient);
  hash.update(std::string_view("\0", 1));
  const std::uint64_t length = message.size();
  if (message.size() <= kWholeUpTo) {
    hash.update(message);
  } else {
    hash.update(message.substr(0, kWholeUpTo));
    hash.update(message.substr(message.size() - kTail));
  }
  hash.update(std::string_view(reinterpret_cast<const char*>(&length), sizeof length));
  return to_hex(hash.finish());
}

bool DeliveryRecord::delivered(std::string_view key) const {
  if (!is_hex(key, kKeyDigits)) return false;
  const std::string name(key);
  struct stat st {};
  if (::fstatat(dir_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
    return false;
  return st.st_nlink >= 2 && st.st_mtime + settings_.window.count() >= ::time(nullptr);
}

Status DeliveryRecord::keep(std::string_view key, Delivery& delivery) const {
  if (!is_hex(key, kKeyDigits)) return fail(ErrorKind::internal, "bad delivery key");
  return detail::guarded("keeping the delivery",
                         [&] { return delivery.keep_first_copy_as(dir_.get(), std::string(key)); });
}

void DeliveryRecord::expire_old_entries() const {
  const time_t now = ::time(nullptr);
  const long long window = settings_.window.count();
  struct stat stamp {};
  if (::fstatat(dir_.get(), kExpiredStamp, &stamp, AT_SYMLINK_NOFOLLOW) == 0 &&
      stamp.st_mtime + window / 4 > now && stamp.st_mtime <= now)
    return;
  // The stamp first, so that concurrent deliveries do not all scan.
  (void)::unlinkat(dir_.get(), kExpiredStamp, 0);
  if (::symlinkat("stamp", dir_.get(), kExpiredStamp) != 0) return;
  const int fd = ::openat(dir_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return;
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    const bool entry_name = is_hex(name, kKeyDigits);
    struct stat st {};
    if (!entry_name || ::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (st.st_mtime + window < now) (void)::unlinkat(fd, entry->d_name, 0);
  }
  ::closedir(dir);
}

}  // namespace mailroom::maildir
