#include "server/imap/selected.hpp"
#include "server/imap/text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <optional>
#include <unordered_map>

#include "mailroom/maildir/delivery.hpp"
#include "server/imap/folders.hpp"

namespace mailroom::server::imap {
namespace {

constexpr std::size_t kMaxMessage = 256ULL << 20;
constexpr long long kSettleSeconds = 2;  // see Selected::may_have_changed

std::uint32_t now() { return static_cast<std::uint32_t>(std::time(nullptr)); }

std::string path_of(const FileRef& file) {
  return (file.in_cur ? "cur/" : "new/") + std::string(file.name());
}

}  // namespace

std::string_view NameArena::keep(std::string_view name) {
  kept_ += name.size();
  if (name.size() > room_) {
    std::size_t size = std::max(kBlock, name.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    next_ = blocks_.back().get();
    room_ = size;
  }
  char* at = next_;
  std::copy(name.begin(), name.end(), at);
  next_ += name.size();
  room_ -= name.size();
  return {at, name.size()};
}

namespace {

// A size field of a Maildir++ name: ",S=<size>" the size of the file as
// stored, ",W=<size>" its size with CRLF line ends.
std::optional<std::uint64_t> size_field(std::string_view unique, std::string_view key) {
  auto at = unique.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::uint64_t value = 0;
  const char* first = unique.data() + at + key.size();
  const char* last = unique.data() + unique.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || end == first || (end != last && *end != ',')) return std::nullopt;
  return value;
}

}  // namespace

Result<Selected> Selected::open(int rootfd, const maildir::FolderName& name, maildir::Folder folder,
                                bool read_only, const maildir::Options& options) {
  auto dir = open_folder_dir(rootfd, name);
  if (!dir) return tl::unexpected(dir.error());
  Selected out;
  out.dir = std::move(*dir);
  out.new_dir_.reset(
      ::openat(out.dir.get(), "new", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  out.cur_dir_.reset(
      ::openat(out.dir.get(), "cur", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  out.remember_stamps();  // before the scan: a change after it shows
  auto synced = sync_uidlist(out.dir.get(), now());
  if (!synced) return tl::unexpected(synced.error());
  out.read_only = read_only;
  out.name = name;
  out.folder = std::move(folder);
  out.options = options;
  out.validity = synced->list.validity;
  out.next_uid = synced->list.next;
  out.read_keywords();
  std::unordered_map<std::string_view, const MaildirFile*> by_unique;
  for (const auto& f : synced->files) by_unique[f.unique()] = &f;
  out.messages.reserve(synced->list.entries.size());
  for (const auto& entry : synced->list.entries) {
    auto it = by_unique.find(entry.unique);
    if (it == by_unique.end()) continue;
    Message m{out.keep(*it->second), entry.uid, !it->second->in_cur, false};
    // RFC 3501 2.3.2 \Recent: this session is the first to see it. As
    // Dovecot does, a read-write SELECT moves it to cur/ so no later
    // session sees it as recent again.
    if (!read_only && !m.file.in_cur) {
      std::string moved = std::string(m.file.name()) + ":2,";
      if (::renameat(out.dir.get(), path_of(m.file).c_str(), out.dir.get(),
                     ("cur/" + moved).c_str()) == 0)
        m.file = out.keep(MaildirFile{true, moved});
    }
    out.messages.push_back(m);
  }
  return out;
}

void Selected::read_keywords() {
  keywords_ = {};
  UniqueFd fd(::openat(dir.get(), "dovecot-keywords", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return;
  std::string text;
  char buffer[8192];
  ssize_t n = 0;
  while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0 && text.size() < 65536)
    text.append(buffer, static_cast<std::size_t>(n));
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line = std::string_view(text).substr(start, end - start);
    start = end + 1;
    auto space = line.find(' ');
    if (space == std::string_view::npos) continue;
    int index = -1;
    for (char c : line.substr(0, space)) {
      if (c < '0' || c > '9') {
        index = -1;
        break;
      }
      index = (index < 0 ? 0 : index * 10) + (c - '0');
      if (index > 25) break;
    }
    if (index >= 0 && index <= 25)
      keywords_[static_cast<std::size_t>(index)] = line.substr(space + 1);
  }
}

std::string Selected::flag_list(const Message& message) const {
  std::string out = "(";
  auto add = [&](std::string_view flag) {
    if (out.size() > 1) out += ' ';
    out += flag;
  };
  for (char c : message.file.flags()) {
    switch (c) {
      case 'S':
        add("\\Seen");
        break;
      case 'R':
        add("\\Answered");
        break;
      case 'F':
        add("\\Flagged");
        break;
      case 'T':
        add("\\Deleted");
        break;
      case 'D':
        add("\\Draft");
        break;
      default:
        if (c >= 'a' && c <= 'z' && !keywords_[static_cast<std::size_t>(c - 'a')].empty())
          add(keywords_[static_cast<std::size_t>(c - 'a')]);
    }
  }
  if (message.recent) add("\\Recent");
  return out + ")";
}

std::optional<std::string> Selected::letters_for(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& flag : flags) {
    if (flag.starts_with('\\')) {
      if (iequals(flag, "\\Recent")) continue;  // RFC 3501 2.3.2: the server's alone
      char letter = maildir::system_flag_letter(flag);
      if (letter == 0) return std::nullopt;
      out += letter;
      continue;
    }
    auto find = [&]() -> int {
      for (std::size_t i = 0; i < keywords_.size(); ++i)
        if (!keywords_[i].empty() && iequals(keywords_[i], flag)) return static_cast<int>(i);
      return -1;
    };
    int index = find();
    if (index < 0) {
      std::string_view wanted[] = {flag};
      (void)folder.add_keywords(wanted, options);  // Dovecot's way, under its lock
      read_keywords();
      index = find();
    }
    if (index < 0) return std::nullopt;
    out += static_cast<char>('a' + index);
  }
  return out;
}

Status Selected::set_letters(Message& message, const std::string& letters) {
  auto sorted = maildir::normalise_flags(letters);
  if (!sorted) return tl::unexpected(sorted.error());
  if (message.file.in_cur && message.file.flags() == *sorted &&
      message.file.name().find(":2,") != std::string_view::npos)
    return ok();
  std::string renamed = "cur/" + std::string(message.file.unique()) + ":2," + *sorted;
  if (::renameat(dir.get(), path_of(message.file).c_str(), dir.get(), renamed.c_str()) != 0)
    return fail_errno(ErrorKind::temporary, "rename " + path_of(message.file), errno);
  message.file = keep(MaildirFile{true, renamed.substr(4)});
  return ok();
}

std::string Selected::expunge(const std::vector<std::uint32_t>* only,
                              std::vector<std::uint32_t>* expunged) {
  std::string out;
  for (std::size_t i = messages.size(); i-- > 0;) {
    auto& m = messages[i];
    if (m.file.flags().find('T') == std::string_view::npos) continue;
    if (only != nullptr && std::find(only->begin(), only->end(), m.uid) == only->end()) continue;
    if (::unlinkat(dir.get(), path_of(m.file).c_str(), 0) != 0 && errno != ENOENT) continue;
    if (expunged != nullptr) expunged->push_back(m.uid);
    out += "* " + std::to_string(i + 1) + " EXPUNGE\r\n";
    messages.erase(messages.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out;
}

Result<UniqueFd> Selected::open_file(const Message& message) const {
  // NAME_MAX octets and a NUL: no heap string per message.
  std::array<char, 256> file_name{};
  auto view = message.file.name();
  if (view.size() >= file_name.size()) return fail(ErrorKind::temporary, "file name too long");
  std::copy(view.begin(), view.end(), file_name.begin());
  UniqueFd fd(::openat(sub_dir(message), file_name.data(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail_errno(ErrorKind::temporary, "open " + path_of(message.file), errno);
  return fd;
}

Result<std::string> Selected::read(const Message& message) const {
  auto fd = open_file(message);
  if (!fd) return tl::unexpected(fd.error());
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd->get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::temporary, "read " + path_of(message.file), errno);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxMessage) return fail(ErrorKind::limit, "message too large");
  }
  return to_crlf(text);
}

Status Selected::append_literal(const Message& message, std::string& out) const {
  auto fd = open_file(message);
  if (!fd) return tl::unexpected(fd.error());
  // Read in one go: into a buffer on the stack when the message fits
  // (the ~4 KB of most mail), else into one that grows. A file is
  // immutable once delivered, so with all the octets ",S=" says are there
  // read by a read() that asked for more, the end is reached without the
  // read() that returns 0.
  const auto expected = size_field(message.file.unique(), ",S=");
  std::array<char, 65536> stack;  // NOLINT(cppcoreguidelines-pro-type-member-init): read fills it
  std::string heap;
  char* data = stack.data();
  std::size_t room = stack.size(), have = 0;
  for (;;) {
    if (have == room) {
      if (heap.empty()) heap.assign(stack.data(), have);
      heap.resize(room * 2);
      data = heap.data();
      room = heap.size();
    }
    ssize_t n = ::read(fd->get(), data + have, room - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::temporary, "read " + path_of(message.file), errno);
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
    if (have > kMaxMessage) return fail(ErrorKind::limit, "message too large");
    if (expected && have == *expected && have < room) break;
  }
  std::string_view text(data, have);
  out += '{';
  const std::size_t size = crlf_size(text);
  out += std::to_string(size);
  out += "}\r\n";
  append_crlf(out, text, size);
  return ok();
}

Result<std::string> Selected::read_header(const Message& message) const {
  auto opened = open_file(message);
  if (!opened) return tl::unexpected(opened.error());
  UniqueFd fd = std::move(*opened);
  std::string text;
  // Most headers fit in the first 2 KB: the page cache copies no more.
  std::size_t want = 2048;
  std::size_t from = 0;  // where the search for the blank line goes on
  for (;;) {
    const std::size_t have = text.size();
    text.resize(have + want);  // read in place: no buffer to copy from
    ssize_t n = ::read(fd.get(), text.data() + have, want);
    text.resize(have + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(ErrorKind::temporary, "read " + path_of(message.file), errno);
    if (n == 0) break;
    want = 16384;
    // The header ends at the first empty line (LF LF, or LF CR LF; an
    // empty first line is an empty header).
    if (have == 0 && (text.starts_with("\n") || text.starts_with("\r\n"))) {
      text.resize(text.find('\n') + 1);
      return text;
    }
    for (auto lf = text.find('\n', from); lf != std::string::npos; lf = text.find('\n', lf + 1)) {
      std::size_t next = lf + 1;
      if (next < text.size() && text[next] == '\r') ++next;
      if (next < text.size() && text[next] == '\n') {
        text.resize(next + 1);
        return text;
      }
    }
    from = text.size() < 2 ? 0 : text.size() - 2;
    if (text.size() > kMaxMessage) return fail(ErrorKind::limit, "message too large");
  }
  return text;
}

std::optional<std::uint64_t> Selected::size_from_name(const Message& message) {
  return size_field(message.file.unique(), ",W=");
}

long long Selected::internal_date(const Message& message) const {
  struct stat st {};
  if (::fstatat(sub_dir(message), std::string(message.file.name()).c_str(), &st,
                AT_SYMLINK_NOFOLLOW) != 0)
    return 0;
  return st.st_mtime;
}

int Selected::sub_dir(const Message& message) const {
  return message.file.in_cur ? cur_dir_.get() : new_dir_.get();
}

void Selected::remember_stamps() {
  struct stat fresh {
  }, cur{};
  stamps_trusted_ = false;
  if (::fstatat(dir.get(), "new", &fresh, 0) != 0 || ::fstatat(dir.get(), "cur", &cur, 0) != 0)
    return;
  stamps_ = {fresh.st_mtim.tv_sec, fresh.st_mtim.tv_nsec, cur.st_mtim.tv_sec, cur.st_mtim.tv_nsec};
  long long newest = std::max(fresh.st_mtim.tv_sec, cur.st_mtim.tv_sec);
  stamps_trusted_ = static_cast<long long>(std::time(nullptr)) - newest >= kSettleSeconds;
}

bool Selected::may_have_changed() const {
  if (!stamps_trusted_) return true;
  for (const auto& m : messages)
    if (m.gone) return true;  // still to be reported as expunged
  struct stat fresh {
  }, cur{};
  if (::fstatat(dir.get(), "new", &fresh, 0) != 0 || ::fstatat(dir.get(), "cur", &cur, 0) != 0)
    return true;
  return stamps_ != std::array<long long, 4>{fresh.st_mtim.tv_sec, fresh.st_mtim.tv_nsec,
                                             cur.st_mtim.tv_sec, cur.st_mtim.tv_nsec};
}

Result<std::string> Selected::sync(bool report_expunges) {
  if (!may_have_changed()) return std::string();
  remember_stamps();
  ++scans;
  auto synced = sync_uidlist(dir.get(), now());
  if (!synced) return tl::unexpected(synced.error());
  read_keywords();
  std::unordered_map<std::string_view, const MaildirFile*> by_unique;
  for (const auto& f : synced->files) by_unique[f.unique()] = &f;
  std::unordered_map<std::uint32_t, const MaildirFile*> by_uid;
  for (const auto& e : synced->list.entries) {
    auto it = by_unique.find(e.unique);
    if (it != by_unique.end()) by_uid[e.uid] = it->second;
  }
  std::string out;
  for (std::size_t i = messages.size(); i-- > 0;) {  // descending: each number still valid
    if (by_uid.count(messages[i].uid) != 0) continue;
    if (!report_expunges) {
      messages[i].gone = true;
      continue;
    }
    out += "* " + std::to_string(i + 1) + " EXPUNGE\r\n";
    messages.erase(messages.begin() + static_cast<std::ptrdiff_t>(i));
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto it = by_uid.find(messages[i].uid);
    if (it == by_uid.end() || it->second->name == messages[i].file.name()) continue;
    bool flags_changed = it->second->flags() != messages[i].file.flags();
    messages[i].file = keep(*it->second);
    if (flags_changed)
      out += "* " + std::to_string(i + 1) + " FETCH (FLAGS " + flag_list(messages[i]) + ")\r\n";
  }
  std::uint32_t last = messages.empty() ? 0 : messages.back().uid;
  std::size_t before = messages.size();
  for (const auto& e : synced->list.entries) {
    if (e.uid <= last) continue;
    auto it = by_uid.find(e.uid);
    if (it == by_uid.end()) continue;
    messages.push_back(Message{keep(*it->second), e.uid, !it->second->in_cur, false});
  }
  compact_names();
  next_uid = synced->list.next;
  if (messages.size() != before) {
    out += "* " + std::to_string(messages.size()) + " EXISTS\r\n";
    std::size_t all_recent = 0;
    for (const auto& m : messages) all_recent += m.recent ? 1 : 0;
    out += "* " + std::to_string(all_recent) + " RECENT\r\n";
  }
  return out;
}

void Selected::compact_names() {
  std::size_t live = 0;
  for (const auto& m : messages) live += m.file.name().size();
  if (names_.kept() <= 2 * live + 4096) return;
  NameArena fresh;
  for (auto& m : messages) m.file = FileRef(m.file.in_cur, fresh.keep(m.file.name()));
  names_ = std::move(fresh);
}

std::string Selected::select_responses() const {
  std::string keywords;
  for (const auto& k : keywords_)
    if (!k.empty()) keywords += " " + k;
  std::size_t recent = 0;
  std::size_t first_unseen = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    recent += messages[i].recent ? 1 : 0;
    if (first_unseen == 0 && messages[i].file.flags().find('S') == std::string_view::npos)
      first_unseen = i + 1;
  }
  std::string out = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" + keywords + ")\r\n";
  out += read_only ? "* OK [PERMANENTFLAGS ()] read-only\r\n"
                   : "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" +
                         keywords + " \\*)] flags are kept\r\n";
  out += "* " + std::to_string(messages.size()) + " EXISTS\r\n";
  out += "* " + std::to_string(recent) + " RECENT\r\n";
  if (first_unseen != 0)
    out += "* OK [UNSEEN " + std::to_string(first_unseen) + "] first unseen\r\n";
  out += "* OK [UIDVALIDITY " + std::to_string(validity) + "] UIDs valid\r\n";
  out += "* OK [UIDNEXT " + std::to_string(next_uid) + "] predicted next UID\r\n";
  return out;
}

}  // namespace mailroom::server::imap
