#include "maildir/quota_ops.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <ctime>
#include <optional>

#include "maildir/file_io.hpp"
#include "maildir/sys_error.hpp"
#include "maildir/unique_name.hpp"
#include "mailroom/util/unique_fd.hpp"

namespace mailroom::maildir::detail {
namespace {

constexpr const char* kFile = "maildirsize";
// Which maildirsize definition came from maildir.default_quota: this file
// holds the definition line mailroom last wrote into maildirsize from the
// default. A maildirsize whose line 1 is that text follows the default when
// it changes; any other line 1 was set by the user or an admin (or another
// program) and is kept. Maildir++ has no room for the distinction in
// maildirsize itself: line 1 is only "<bytes>S,<count>C".
constexpr const char* kDefaultMarker = "maildirsize.default";

std::string definition_text(const QuotaDefinition& def) {
  std::string out;
  if (def.bytes != 0) out += std::to_string(def.bytes) + "S";
  if (def.count != 0) out += (out.empty() ? "" : ",") + std::to_string(def.count) + "C";
  return out;
}

// In int64 arithmetic that cannot overflow: usage saturates, and a limit
// above INT64_MAX (parse_quota_definition takes any uint64) is never reached.
std::int64_t as_int64(std::uint64_t value) {
  return value > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX
                                                       : static_cast<std::int64_t>(value);
}

QuotaResource over(const QuotaDefinition& def, const QuotaUsage& used, std::uint64_t incoming) {
  const auto bytes_after = saturating_add(used.bytes, as_int64(incoming));
  if (def.bytes != 0 && bytes_after > as_int64(def.bytes)) return QuotaResource::bytes;
  if (def.count != 0 && saturating_add(used.count, 1) > as_int64(def.count))
    return QuotaResource::count;
  return QuotaResource::none;
}

Status count_directory(int dirfd, const char* sub, const std::string& path, QuotaUsage& usage) {
  const int fd = open_directory_at(dirfd, sub);
  if (fd < 0) {
    if (errno == ENOENT) return ok();  // a folder without cur/ holds nothing there
    return io_error("cannot open", path + "/" + sub, errno);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    return io_error("cannot read", path + "/" + sub, err);
  }
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    if (auto size = size_from_name(entry->d_name)) {
      usage.bytes = saturating_add(usage.bytes, as_int64(*size));
      usage.count = saturating_add(usage.count, 1);
      continue;
    }
    struct stat st {};
    if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
      continue;  // expunged meanwhile
    if (!S_ISREG(st.st_mode)) continue;
    usage.bytes = saturating_add(usage.bytes, st.st_size);
    usage.count = saturating_add(usage.count, 1);
  }
  ::closedir(dir);
  return ok();
}

Status count_folder(int fd, const std::string& path, QuotaUsage& usage) {
  if (auto s = count_directory(fd, "new", path, usage); !s) return s;
  return count_directory(fd, "cur", path, usage);
}

// Writes name (in the root) afresh via tmp/ and rename, as Maildir++ asks
// for maildirsize, so a reader never sees a half-written definition.
Status replace_file(const QuotaContext& ctx, const char* name, const std::string& content) {
  const std::string temp = unique_base(ctx.host) + "." + name;
  UniqueFd fd(::openat(ctx.tmpfd, temp.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       ctx.options->file_mode));
  if (!fd) return io_error("cannot create", ctx.root + "/tmp/" + temp, errno);
  const std::string_view pieces[] = {content};
  int err = write_all(fd.get(), pieces);
  if (err == 0 && ctx.options->fsync) err = fsync_fd(fd.get());
  if (err == 0 && ::renameat(ctx.tmpfd, temp.c_str(), ctx.rootfd, name) != 0) err = errno;
  if (err != 0) {
    (void)::unlinkat(ctx.tmpfd, temp.c_str(), 0);
    return io_error("cannot write", ctx.root + "/" + name, err);
  }
  return ok();
}

// The marker first: a crash in between leaves a maildirsize that still
// counts as the default's (its line 1 is the old marker's or the new one's).
Status write_maildirsize(const QuotaContext& ctx, const QuotaDefinition& def,
                         const QuotaUsage& usage, bool from_default) {
  const std::string definition = definition_text(def);
  if (from_default) {
    if (auto s = replace_file(ctx, kDefaultMarker, definition + "\n"); !s) return s;
  }
  return replace_file(
      ctx, kFile,
      definition + "\n" + std::to_string(usage.bytes) + " " + std::to_string(usage.count) + "\n");
}

struct Loaded {
  bool exists = false;
  bool needs_recalculation = false;
  bool from_default = false;  // the definition is maildir.default_quota's
  bool stale = false;         // older than the Maildir++ 15 minutes
  QuotaDefinition definition;
  QuotaUsage usage;
};

Result<std::optional<QuotaDefinition>> configured_default(const QuotaContext& ctx) {
  const std::string& text = ctx.options->default_quota;
  if (text.empty()) return std::optional<QuotaDefinition>();
  auto def = parse_quota_definition(text);
  if (!def) return fail(ErrorKind::config, "default quota: " + def.error().message);
  return std::optional<QuotaDefinition>(*def);
}

// Line 1 of an existing maildirsize against the configured default (see
// kDefaultMarker): the file's own definition, or the default's when the
// file's came from an earlier default.
void apply_default(const QuotaContext& ctx, std::string_view line1,
                   const std::optional<QuotaDefinition>& fallback, Loaded& out) {
  if (fallback && definition_text(*fallback) == line1) {
    out.from_default = true;  // nothing changed
    return;
  }
  int err = 0;
  const auto marker = read_file_at(ctx.rootfd, kDefaultMarker, 256, &err);
  if (!marker || *marker != std::string(line1) + "\n") return;  // set by hand: kept
  // Written from a default that has changed since: follow it (issue 11).
  out.from_default = true;
  out.definition = fallback.value_or(QuotaDefinition{});
  out.needs_recalculation = fallback.has_value();  // rewrites line 1
}

Result<Loaded> load(const QuotaContext& ctx) {
  Loaded out;
  int err = 0;
  bool truncated = false;
  auto content = read_file_at(ctx.rootfd, kFile, ctx.limits.max_read_bytes, &err, &truncated);
  if (err != 0) return io_error_at("cannot read", ctx.root + "/" + kFile, ctx.rootfd, kFile, err);
  auto fallback = configured_default(ctx);
  if (!fallback) return tl::unexpected(fallback.error());
  if (!content) {
    if (!*fallback) return out;
    out.definition = **fallback;
    out.from_default = true;
    out.needs_recalculation = true;
    return out;
  }
  out.exists = true;
  struct stat st {};
  if (::fstatat(ctx.rootfd, kFile, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    out.stale = ::time(nullptr) - st.st_mtime > ctx.limits.stale_after_seconds;
  }
  out.needs_recalculation = truncated || content->size() > ctx.limits.recalculate_above_bytes;
  const std::string_view line1 = std::string_view(*content).substr(0, content->find('\n'));
  if (auto parsed = parse_maildirsize(*content)) {
    out.definition = parsed->definition;
    out.usage = parsed->usage;
  } else {
    // Corrupt sum: keep the definition if line 1 is fine, recount the rest.
    out.needs_recalculation = true;
    if (auto def = parse_quota_definition(line1)) {
      out.definition = *def;
    } else if (*fallback) {
      out.definition = **fallback;
      out.from_default = true;
      return out;
    }
  }
  apply_default(ctx, line1, *fallback, out);
  return out;
}

}  // namespace

Result<QuotaUsage> count_usage(int rootfd, const std::string& root) {
  QuotaUsage usage;
  if (auto s = count_folder(rootfd, root, usage); !s) return tl::unexpected(s.error());
  const int fd = ::openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", root, errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    return io_error("cannot read", root, err);
  }
  Status status = ok();
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.size() < 2 || name[0] != '.' || name == "..") continue;
    const int folder = open_directory_at(::dirfd(dir), entry->d_name);
    if (folder < 0) continue;  // not a folder (or gone): nothing to count
    UniqueFd guard(folder);
    status = count_folder(folder, root + "/" + std::string(name), usage);
    if (!status) break;
  }
  ::closedir(dir);
  if (!status) return tl::unexpected(status.error());
  return usage;
}

Result<QuotaCheck> check_quota(const QuotaContext& ctx, std::uint64_t incoming_bytes) {
  auto loaded = load(ctx);
  if (!loaded) return tl::unexpected(loaded.error());
  QuotaCheck check;
  check.absent = !loaded->exists;
  if (!loaded->definition.limited()) return check;  // no quota: nothing to keep up to date
  check.limited = true;
  check.limit = loaded->definition;
  check.from_default = loaded->from_default;
  check.used = loaded->usage;
  // Maildir++: a sum that says "over quota" from a file older than 15
  // minutes may miss expunges by other software; count again before refusing.
  const bool recount =
      loaded->needs_recalculation ||
      (loaded->stale && over(check.limit, check.used, incoming_bytes) != QuotaResource::none);
  if (recount) {
    auto usage = count_usage(ctx.rootfd, ctx.root);
    if (!usage) return tl::unexpected(usage.error());
    check.used = *usage;
    check.recalculated = true;
    if (auto s = write_maildirsize(ctx, check.limit, check.used, loaded->from_default); !s)
      check.warning = s.error().message;
  }
  check.over = over(check.limit, check.used, incoming_bytes);
  return check;
}

Status record_delivery(const QuotaContext& ctx, std::uint64_t bytes, std::uint64_t count) {
  // After the link: O_NONBLOCK and a regular file only, so a FIFO swapped in
  // for maildirsize cannot hold the delivery (issue 12 item 6).
  UniqueFd fd(open_regular_at(ctx.rootfd, kFile, O_WRONLY | O_APPEND));
  if (!fd) {
    if (errno != ENOENT)
      return io_error_at("cannot open", ctx.root + "/" + kFile, ctx.rootfd, kFile, errno);
    if (ctx.options->default_quota.empty()) return ok();  // no quota
    // First delivery under the default quota: counting now includes the
    // message just committed, which is exactly the state to record.
    auto check = check_quota(ctx, 0);
    if (!check) return tl::unexpected(check.error());
    return ok();
  }
  // One write(2) with O_APPEND: concurrent deliveries never interleave lines.
  const std::string line = std::to_string(bytes) + " " + std::to_string(count) + "\n";
  const ssize_t n = ::write(fd.get(), line.data(), line.size());
  if (n < 0) return io_error("cannot append to", ctx.root + "/" + kFile, errno);
  if (static_cast<std::size_t>(n) != line.size()) {
    return fail(ErrorKind::temporary, "short write appending to " + ctx.root + "/" + kFile);
  }
  return ok();
}

}  // namespace mailroom::maildir::detail
