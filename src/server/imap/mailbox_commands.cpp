// LIST, LSUB, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, STATUS,
// SELECT, EXAMINE and APPEND (RFC 3501 section 6.3).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <ctime>
#include <map>
#include <set>

#include "mailroom/maildir/delivery.hpp"
#include "server/imap/folders.hpp"
#include "server/imap/session.hpp"
#include "server/imap/text.hpp"

namespace mailroom::server::imap {
namespace {

std::string no_for(const Error& error) {
  return error.kind == ErrorKind::parse ? "NO [CANNOT] " + error.message
                                        : "NO [SERVERBUG] " + error.message;
}

// The keyword letters of INBOX's files name the same keywords in a new
// folder when it starts with a copy of INBOX's dovecot-keywords.
Status copy_keywords(int from, int to) {
  UniqueFd in(::openat(from, "dovecot-keywords", O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!in)
    return errno == ENOENT ? ok() : fail_errno(ErrorKind::temporary, "dovecot-keywords", errno);
  std::string text;
  char buffer[8192];
  ssize_t n = 0;
  while ((n = ::read(in.get(), buffer, sizeof buffer)) > 0 && text.size() < 65536)
    text.append(buffer, static_cast<std::size_t>(n));
  UniqueFd out(
      ::openat(to, "dovecot-keywords", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out)
    return errno == EEXIST ? ok() : fail_errno(ErrorKind::temporary, "dovecot-keywords", errno);
  if (::write(out.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return fail_errno(ErrorKind::temporary, "write dovecot-keywords", errno);
  return ok();
}

// RFC 3501 date-time "17-Jul-1996 02:44:25 -0700" as seconds since the epoch.
std::optional<long long> parse_date_time(std::string_view text) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, zone = 0;
  char month[4] = {};
  char sign = '+';
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%2d-%3c-%4d %2d:%2d:%2d %c%4d", &day, month, &year, &hour, &minute,
                  &second, &sign, &zone) != 8)
    return std::nullopt;
  auto index = kMonths.find(std::string_view(month, 3));
  if (index == std::string_view::npos || index % 3 != 0 || (sign != '+' && sign != '-'))
    return std::nullopt;
  std::tm tm{};
  tm.tm_mday = day;
  tm.tm_mon = static_cast<int>(index / 3);
  tm.tm_year = year - 1900;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  long long offset = (zone / 100 * 60 + zone % 100) * 60LL;
  return static_cast<long long>(::timegm(&tm)) - (sign == '+' ? offset : -offset);
}

std::string to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  return out;
}

}  // namespace

std::string Session::special_use(const maildir::FolderName& folder) const {
  for (const auto& entry : setup_.special_use) {
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    auto name = maildir::parse_folder_name(entry.substr(eq + 1));
    if (name && !name->is_inbox() && name->directory() == folder.directory())
      return entry.substr(0, eq);
  }
  return {};
}

std::string Session::list(const Command& c, bool lsub) {
  if (c.args.size() != 2 || !c.args[0].is_astring() || !c.args[1].is_astring())
    return tagged(c, "BAD " + c.name + " needs a reference and a mailbox pattern");
  const std::string& reference = c.args[0].text;
  const std::string& pattern = c.args[1].text;
  if (pattern.empty() && !lsub)  // RFC 3501 6.3.8: the separator and the root
    return "* LIST (\\Noselect) \".\" \"\"\r\n" + tagged(c, "OK LIST done");
  std::string full = reference + pattern;
  auto folders = list_folders(maildir_.root_fd());
  if (!folders) return tagged(c, no_for(folders.error()));
  // Every existing name, and the parents Maildir++ leaves implied
  // (".a.b" without ".a": "a" is listed \Noselect).
  std::map<std::string, const maildir::FolderName*> existing;
  for (const auto& f : *folders) existing[wire_name(f)] = &f;
  std::set<std::string> names;
  for (const auto& [name, folder] : existing) {
    names.insert(name);
    for (auto dot = name.find(kSeparator); dot != std::string::npos;
         dot = name.find(kSeparator, dot + 1))
      names.insert(name.substr(0, dot));
  }
  auto has_children = [&](const std::string& name) {
    auto it = names.upper_bound(name);
    return it != names.end() && it->starts_with(name + kSeparator);
  };
  std::string out;
  std::string verb = lsub ? "LSUB" : "LIST";
  if (lsub) {
    for (const auto& name : read_subscriptions(maildir_.root_fd())) {
      if (!pattern_matches(full, name)) continue;
      std::string attributes = existing.count(name) != 0 ? "" : "\\Noselect";
      out += "* LSUB (" + attributes + ") \".\" " + quote_string(name) + "\r\n";
    }
    return out + tagged(c, "OK LSUB done");
  }
  for (const auto& name : names) {
    if (!pattern_matches(full, name)) continue;
    auto it = existing.find(name);
    std::string attributes = it == existing.end() ? "\\Noselect" : "";
    auto add = [&](std::string_view a) {
      if (!attributes.empty()) attributes += ' ';
      attributes += a;
    };
    add(has_children(name) ? "\\HasChildren" : "\\HasNoChildren");
    if (it != existing.end()) {
      std::string use = special_use(*it->second);  // RFC 6154
      if (!use.empty()) add(use);
    }
    out += "* LIST (" + attributes + ") \".\" " + quote_string(name) + "\r\n";
  }
  return out + tagged(c, "OK LIST done");
}

std::string Session::create(const Command& c) {
  if (c.args.size() != 1 || !c.args[0].is_astring()) return tagged(c, "BAD CREATE needs a name");
  std::string wire = c.args[0].text;
  if (wire.size() > 1 && wire.back() == kSeparator) wire.pop_back();  // RFC 3501 6.3.3
  auto name = folder_from_wire(wire);
  if (!name) return tagged(c, no_for(name.error()));
  if (name->is_inbox() || maildir_.has_folder(name->display()))
    return tagged(c, "NO [ALREADYEXISTS] mailbox exists");
  auto folder = maildir_.folder(name->display());
  if (!folder) return tagged(c, no_for(folder.error()));
  return tagged(c, "OK CREATE done");
}

std::string Session::remove(const Command& c) {
  if (c.args.size() != 1 || !c.args[0].is_astring()) return tagged(c, "BAD DELETE needs a name");
  auto name = folder_from_wire(c.args[0].text);
  if (!name) return tagged(c, no_for(name.error()));
  if (name->is_inbox()) return tagged(c, "NO [CANNOT] INBOX cannot be deleted");
  if (!maildir_.has_folder(name->display())) return tagged(c, "NO [NONEXISTENT] no such mailbox");
  if (selected_ && selected_->name.components == name->components) selected_.reset();
  auto removed = remove_folder(maildir_.root_fd(), *name);
  if (!removed) return tagged(c, no_for(removed.error()));
  return tagged(c, "OK DELETE done");
}

std::string Session::rename(const Command& c) {
  if (c.args.size() != 2 || !c.args[0].is_astring() || !c.args[1].is_astring())
    return tagged(c, "BAD RENAME needs two names");
  auto from = folder_from_wire(c.args[0].text);
  auto to = folder_from_wire(c.args[1].text);
  if (!from) return tagged(c, no_for(from.error()));
  if (!to) return tagged(c, no_for(to.error()));
  if (to->is_inbox()) return tagged(c, "NO [ALREADYEXISTS] INBOX exists");
  if (from->is_inbox()) return rename_inbox(c, *to);
  if (!maildir_.has_folder(from->display())) return tagged(c, "NO [NONEXISTENT] no such mailbox");
  if (maildir_.has_folder(to->display())) return tagged(c, "NO [ALREADYEXISTS] target exists");
  auto folders = list_folders(maildir_.root_fd());
  if (!folders) return tagged(c, no_for(folders.error()));
  // RFC 3501 6.3.5: the inferior names move along; each new name is
  // checked as a name from the client would be.
  std::vector<std::pair<std::string, std::string>> moves;
  for (const auto& f : *folders) {
    const auto& parts = f.components;
    if (parts.size() < from->components.size() ||
        !std::equal(from->components.begin(), from->components.end(), parts.begin()))
      continue;
    maildir::FolderName target = *to;
    target.components.insert(target.components.end(),
                             parts.begin() + static_cast<std::ptrdiff_t>(from->components.size()),
                             parts.end());
    auto checked = folder_from_wire(wire_name(target));
    if (!checked) return tagged(c, no_for(checked.error()));
    if (maildir_.has_folder(checked->display()))
      return tagged(c, "NO [ALREADYEXISTS] " + wire_name(target) + " exists");
    moves.emplace_back(f.directory(), checked->directory());
  }
  if (selected_ && selected_->name.components == from->components) selected_.reset();
  for (const auto& [old_dir, new_dir] : moves)
    if (::renameat(maildir_.root_fd(), old_dir.c_str(), maildir_.root_fd(), new_dir.c_str()) != 0)
      return tagged(c, "NO [SERVERBUG] rename " + old_dir + " failed");
  return tagged(c, "OK RENAME done");
}

// RFC 3501 6.3.5: renaming INBOX moves all its messages to a new mailbox
// of that name and leaves INBOX in place, empty; its inferiors stay. Each
// file is renamed (new/ to new/, cur/ to cur/), flags and keywords kept:
// the new folder starts with INBOX's dovecot-keywords. A message that
// arrives meanwhile may stay in INBOX; none is lost or doubled.
std::string Session::rename_inbox(const Command& c, const maildir::FolderName& to) {
  if (maildir_.has_folder(to.display())) return tagged(c, "NO [ALREADYEXISTS] target exists");
  auto folder = maildir_.folder(to.display());
  if (!folder) return tagged(c, no_for(folder.error()));
  auto inbox = open_folder_dir(maildir_.root_fd(), maildir::FolderName{});
  auto target = open_folder_dir(maildir_.root_fd(), to);
  if (!inbox || !target) return tagged(c, "NO [SERVERBUG] cannot open the folders");
  if (auto copied = copy_keywords(inbox->get(), target->get()); !copied)
    return tagged(c, no_for(copied.error()));
  auto files = scan_maildir(inbox->get());
  if (!files) return tagged(c, no_for(files.error()));
  for (const auto& f : *files) {
    std::string path = (f.in_cur ? "cur/" : "new/") + f.name;
    // ENOENT: renamed meanwhile (flags changed by another session); a
    // second RENAME finds it.
    if (::renameat(inbox->get(), path.c_str(), target->get(), path.c_str()) != 0 && errno != ENOENT)
      return tagged(c, "NO [SERVERBUG] cannot move " + path);
  }
  if (maildir_.options().fsync)
    for (const char* sub : {"new", "cur"})
      for (int dir : {inbox->get(), target->get()}) {
        UniqueFd fd(::openat(dir, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (fd) ::fsync(fd.get());
      }
  return tagged(c, "OK RENAME done");
}

std::string Session::subscribe(const Command& c, bool on) {
  if (c.args.size() != 1 || !c.args[0].is_astring())
    return tagged(c, "BAD " + c.name + " needs a name");
  auto name = folder_from_wire(c.args[0].text);
  if (!name) return tagged(c, no_for(name.error()));
  if (name->is_inbox() && !on) return tagged(c, "OK UNSUBSCRIBE done");
  auto changed = maildir_.set_subscribed(*name, on);
  if (!changed) return tagged(c, no_for(changed.error()));
  return tagged(c, "OK " + c.name + " done");
}

std::string Session::status(const Command& c) {
  if (c.args.size() != 2 || !c.args[0].is_astring() || c.args[1].kind != Value::Kind::list)
    return tagged(c, "BAD STATUS needs a mailbox and a list of items");
  auto name = folder_from_wire(c.args[0].text);
  if (!name) return tagged(c, no_for(name.error()));
  if (!maildir_.has_folder(name->display())) return tagged(c, "NO [NONEXISTENT] no such mailbox");
  auto dir = open_folder_dir(maildir_.root_fd(), *name);
  if (!dir) return tagged(c, no_for(dir.error()));
  auto synced = sync_uidlist(dir->get(), static_cast<std::uint32_t>(std::time(nullptr)));
  if (!synced) return tagged(c, no_for(synced.error()));
  std::size_t recent = 0, unseen = 0;
  for (const auto& f : synced->files) {
    recent += f.in_cur ? 0 : 1;
    unseen += f.flags().find('S') == std::string_view::npos ? 1 : 0;
  }
  std::string items;
  for (const auto& item : c.args[1].items) {
    std::string word = upper(item.text);
    std::string value;
    if (word == "MESSAGES")
      value = std::to_string(synced->list.entries.size());
    else if (word == "RECENT")
      value = std::to_string(recent);
    else if (word == "UIDNEXT")
      value = std::to_string(synced->list.next);
    else if (word == "UIDVALIDITY")
      value = std::to_string(synced->list.validity);
    else if (word == "UNSEEN")
      value = std::to_string(unseen);
    else
      return tagged(c, "BAD unknown STATUS item " + item.text);
    if (!items.empty()) items += ' ';
    items += word;
    items += ' ';
    items += value;
  }
  return "* STATUS " + quote_string(wire_name(*name)) + " (" + items + ")\r\n" +
         tagged(c, "OK STATUS done");
}

std::string Session::select(const Command& c, bool read_only) {
  selected_.reset();  // RFC 3501 6.3.1: a failed SELECT leaves none selected
  if (c.args.size() != 1 || !c.args[0].is_astring())
    return tagged(c, "BAD " + c.name + " needs a mailbox");
  auto name = folder_from_wire(c.args[0].text);
  if (!name) return tagged(c, no_for(name.error()));
  if (!maildir_.has_folder(name->display())) return tagged(c, "NO [NONEXISTENT] no such mailbox");
  auto folder = maildir_.folder(name->display());
  if (!folder) return tagged(c, no_for(folder.error()));
  auto box =
      Selected::open(maildir_.root_fd(), *name, std::move(*folder), read_only, maildir_.options());
  if (!box) return tagged(c, no_for(box.error()));
  selected_ = std::move(*box);
  return selected_->select_responses() +
         tagged(c, read_only ? "OK [READ-ONLY] EXAMINE done" : "OK [READ-WRITE] SELECT done");
}

Result<std::pair<std::uint32_t, std::uint32_t>> Session::store_message(
    const maildir::FolderName& name, std::string_view bytes, const std::vector<std::string>& flags,
    long long internal_date) {
  auto folder = maildir_.folder(name.display());
  if (!folder) return tl::unexpected(folder.error());
  std::string letters;
  std::vector<std::string_view> keywords;
  for (const auto& flag : flags) {
    if (!flag.starts_with('\\')) {
      keywords.push_back(flag);
      continue;
    }
    char letter = maildir::system_flag_letter(flag);
    if (letter != 0) letters += letter;
  }
  if (!keywords.empty()) {
    (void)folder->add_keywords(keywords, maildir_.options());
    letters += folder->keyword_letters(keywords);
  }
  maildir::Delivery delivery(maildir_);
  const std::string_view pieces[] = {bytes};
  if (auto staged = delivery.stage(*folder, pieces, letters); !staged)
    return tl::unexpected(staged.error());
  auto report = delivery.commit();
  if (!report.all_delivered()) return tl::unexpected(*report.first_error());
  std::string path = report.copies.front().path;
  last_stored_path_ = path;
  std::string file = path.substr(path.rfind('/') + 1);
  std::string unique = file.substr(0, file.find(':'));
  auto dir = open_folder_dir(maildir_.root_fd(), name);
  if (!dir) return tl::unexpected(dir.error());
  if (internal_date > 0) {  // APPEND's date-time is the INTERNALDATE: the mtime
    timespec times[2] = {{internal_date, 0}, {internal_date, 0}};
    std::string relative = path.substr(path.size() - file.size() - 4);  // "cur/NAME"
    ::utimensat(dir->get(), relative.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  auto synced = sync_uidlist(dir->get(), static_cast<std::uint32_t>(std::time(nullptr)));
  if (!synced) return tl::unexpected(synced.error());
  for (const auto& e : synced->list.entries)
    if (e.unique == unique) return std::make_pair(synced->list.validity, e.uid);
  return fail(ErrorKind::temporary, "the new message has no UID");
}

std::string Session::append(const Command& c) {
  // APPEND mailbox [(flags)] [date-time] literal
  const auto& a = c.args;
  if (a.size() < 2 || a.size() > 4 || !a[0].is_astring() || a.back().kind != Value::Kind::string)
    return tagged(c, "BAD APPEND needs a mailbox and a message");
  std::vector<std::string> flags;
  long long date = 0;
  for (std::size_t i = 1; i + 1 < a.size(); ++i) {
    if (a[i].kind == Value::Kind::list) {
      for (const auto& f : a[i].items) flags.push_back(f.text);
    } else if (auto parsed = parse_date_time(a[i].text);
               parsed && a[i].kind == Value::Kind::string) {
      date = *parsed;
    } else {
      return tagged(c, "BAD APPEND: bad flags or date-time");
    }
  }
  auto name = folder_from_wire(a[0].text);
  if (!name) return tagged(c, no_for(name.error()));
  if (!maildir_.has_folder(name->display()))
    return tagged(c, "NO [TRYCREATE] no such mailbox");  // RFC 3501 6.3.11
  if (a.back().text.empty()) return tagged(c, "NO empty message");
  // Stored with LF line ends, as deliver stores what the MTA hands over:
  // one convention per Maildir, and FETCH gives the client its CRLF back.
  auto stored = store_message(*name, to_lf(a.back().text), flags, date);
  if (!stored) return tagged(c, no_for(stored.error()));
  // Outlook moves into Junk by APPEND and a delete: an APPEND trains too.
  learn({last_stored_path_}, transfer_training({}, special_use(*name)));
  std::string out = updates(true);
  return out + tagged(c, "OK [APPENDUID " + std::to_string(stored->first) + " " +
                             std::to_string(stored->second) + "] APPEND done");
}

}  // namespace mailroom::server::imap
