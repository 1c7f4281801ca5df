// The selected state (RFC 3501 section 6.4): CLOSE, UNSELECT (RFC 3691),
// EXPUNGE, SEARCH, FETCH, STORE, COPY, MOVE (RFC 6851) and their UID forms
// (UID EXPUNGE and COPYUID of UIDPLUS, RFC 4315).
#include <algorithm>
#include <cctype>
#include <ctime>

#include "mailroom/maildir/move.hpp"
#include "server/imap/fetch.hpp"
#include "server/imap/folders.hpp"
#include "server/imap/search.hpp"
#include "server/imap/sequence.hpp"
#include "server/imap/session.hpp"
#include "server/imap/text.hpp"

namespace mailroom::server::imap {
namespace {

constexpr std::size_t kStreamAt =
    std::size_t{256} * 1024;  // FETCH output sent in pieces of about this

}  // namespace

std::optional<std::vector<std::size_t>> Session::messages_of(const Value& set, bool uid) const {
  if (set.kind != Value::Kind::atom) return std::nullopt;
  const auto& all = selected_->messages;
  std::uint32_t star =
      uid ? (all.empty() ? 0 : all.back().uid) : static_cast<std::uint32_t>(all.size());
  auto parsed = parse_sequence_set(set.text, star);
  if (!parsed) return std::nullopt;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (parsed->contains(uid ? all[i].uid : static_cast<std::uint32_t>(i + 1))) out.push_back(i);
  // RFC 3501 6.4.8: a message sequence number beyond the mailbox is an
  // error; UIDs that name nothing are simply not there.
  if (!uid)
    for (const auto& [low, high] : parsed->ranges)
      if (high > all.size() || low == 0) return std::nullopt;
  return out;
}

std::string Session::fetch(const Command& c, bool uid) {
  if (c.args.size() != 2) return tagged(c, "BAD FETCH needs a set and items");
  auto indices = messages_of(c.args[0], uid);
  if (!indices) return tagged(c, "BAD invalid sequence set");
  auto items = parse_fetch_items(c.args[1]);
  if (!items) return tagged(c, "BAD " + items.error().message);
  bool mark_seen = sets_seen(*items) && !selected_->read_only;
  std::string out;
  for (std::size_t i : *indices) {
    auto& m = selected_->messages[i];
    if (m.gone) continue;
    if (mark_seen && m.file.flags().find('S') == std::string_view::npos)
      (void)selected_->set_letters(m, std::string(m.file.flags()) + "S");
    auto response = fetch_message(*selected_, i, *items, uid, out);
    if (!response && response.error().kind == ErrorKind::rejected)
      return out + tagged(c, "NO [UNKNOWN-CTE] " + response.error().message);
    if (!response)
      out += "* " + std::to_string(i + 1) + " FETCH (UID " + std::to_string(m.uid) + ")\r\n";
    if (sink_ && out.size() >= kStreamAt) {
      if (!sink_(out)) return {};  // the client is gone
      out.clear();
    }
  }
  return out + updates(uid) + tagged(c, "OK FETCH done");
}

std::string Session::store(const Command& c, bool uid) {
  if (c.args.size() != 3) return tagged(c, "BAD STORE needs a set, an item and flags");
  if (selected_->read_only) return tagged(c, "NO [READ-ONLY] mailbox is read-only");
  auto indices = messages_of(c.args[0], uid);
  if (!indices) return tagged(c, "BAD invalid sequence set");
  std::string item = upper(c.args[1].text);
  bool silent = item.ends_with(".SILENT");
  if (silent) item.resize(item.size() - 7);
  if (item != "FLAGS" && item != "+FLAGS" && item != "-FLAGS")
    return tagged(c, "BAD STORE item must be FLAGS, +FLAGS or -FLAGS");
  std::vector<std::string> flags;
  if (c.args[2].kind == Value::Kind::list) {
    for (const auto& f : c.args[2].items) flags.push_back(f.text);
  } else {
    flags.push_back(c.args[2].text);
  }
  auto letters = selected_->letters_for(flags);
  if (!letters) return tagged(c, "NO [CANNOT] a flag cannot be stored (or 26 keywords in use)");
  // $Junk / $NotJunk added by FLAGS or +FLAGS train (junk_learning.hpp).
  const Training training = item == "-FLAGS" ? Training::none : keyword_training(flags);
  std::vector<std::string> trained;
  std::string out;
  for (std::size_t i : *indices) {
    auto& m = selected_->messages[i];
    if (m.gone) continue;
    std::string now(m.file.flags());
    std::string next;
    if (item == "FLAGS") {
      next = *letters;
      // Letters this server does not know (Dovecot's 'P' passed) are kept.
      for (char ch : now)
        if (std::string_view("SRFTD").find(ch) == std::string_view::npos &&
            !(ch >= 'a' && ch <= 'z'))
          next += ch;
    } else if (item == "+FLAGS") {
      next = now + *letters;
    } else {
      for (char ch : now)
        if (letters->find(ch) == std::string::npos) next += ch;
    }
    if (auto set = selected_->set_letters(m, next); !set)
      return out + tagged(c, "NO [SERVERBUG] cannot change flags: " + set.error().message);
    trained.push_back(selected_->folder.path() + (m.file.in_cur ? "/cur/" : "/new/") +
                      std::string(m.file.name()));
    if (!silent)
      out += "* " + std::to_string(i + 1) + " FETCH (" +
             (uid ? "UID " + std::to_string(m.uid) + " " : std::string()) + "FLAGS " +
             selected_->flag_list(m) + ")\r\n";
  }
  learn(trained, training);
  return out + updates(uid) + tagged(c, "OK STORE done");
}

std::string Session::copy(const Command& c, bool uid, bool move) {
  if (c.args.size() != 2 || !c.args[1].is_astring())
    return tagged(c, "BAD " + c.name + " needs a set and a mailbox");
  if (move && selected_->read_only) return tagged(c, "NO [READ-ONLY] mailbox is read-only");
  auto indices = messages_of(c.args[0], uid);
  if (!indices) return tagged(c, "BAD invalid sequence set");
  auto target = folder_from_wire(c.args[1].text);
  if (!target) return tagged(c, "NO [CANNOT] " + target.error().message);
  if (!maildir_.has_folder(target->display())) return tagged(c, "NO [TRYCREATE] no such mailbox");
  bool same = target->components == selected_->name.components;
  auto to = maildir_.folder(target->display());
  if (!to) return tagged(c, "NO [SERVERBUG] " + to.error().message);
  std::vector<std::uint32_t> source_uids;
  std::vector<std::string> uniques;
  std::vector<std::string> copied;  // the new files, for training
  for (std::size_t i : *indices) {
    const auto& m = selected_->messages[i];
    if (m.gone) continue;
    if (same) {  // a link under the same name would be the same message
      auto bytes = selected_->read(m);
      if (!bytes) return tagged(c, "NO [SERVERBUG] " + bytes.error().message);
      std::vector<std::string> flags;
      auto stored = store_message(*target, *bytes, flags, selected_->internal_date(m));
      if (!stored) return tagged(c, "NO [SERVERBUG] " + stored.error().message);
      source_uids.push_back(m.uid);
      uniques.push_back("#" + std::to_string(stored->second));
      continue;
    }
    maildir::StoredMessage stored{m.file.in_cur, std::string(m.file.name())};
    auto linked = maildir::link_message(selected_->folder, stored, *to, m.file.flags());
    if (!linked) return tagged(c, "NO [SERVERBUG] " + linked.error().message);
    source_uids.push_back(m.uid);
    uniques.emplace_back(linked->unique());
    copied.push_back(to->path() + (linked->in_cur ? "/cur/" : "/new/") + linked->name);
  }
  // Into Junk is spam, out of it (but to Trash) ham: junk_learning.hpp.
  learn(copied, transfer_training(special_use(selected_->name), special_use(*target)));
  auto dir = open_folder_dir(maildir_.root_fd(), *target);
  if (!dir) return tagged(c, "NO [SERVERBUG] " + dir.error().message);
  auto synced = sync_uidlist(dir->get(), static_cast<std::uint32_t>(std::time(nullptr)));
  if (!synced) return tagged(c, "NO [SERVERBUG] " + synced.error().message);
  std::vector<std::uint32_t> target_uids;
  for (const auto& unique : uniques) {
    if (unique.starts_with('#')) {
      target_uids.push_back(static_cast<std::uint32_t>(std::stoul(unique.substr(1))));
      continue;
    }
    for (const auto& e : synced->list.entries)
      if (e.unique == unique) target_uids.push_back(e.uid);
  }
  std::string code;
  if (!source_uids.empty() && target_uids.size() == source_uids.size())
    code = "[COPYUID " + std::to_string(synced->list.validity) + " " +
           format_sequence_set(source_uids) + " " + format_sequence_set(target_uids) + "] ";
  if (!move) return updates(uid) + tagged(c, "OK " + code + "COPY done");
  // RFC 6851 section 4.3: COPYUID goes out untagged, before the EXPUNGEs.
  std::string out = code.empty() ? std::string() : "* OK " + code + "moved\r\n";
  for (std::size_t k = indices->size(); k-- > 0;) {
    std::size_t i = (*indices)[k];
    auto& m = selected_->messages[i];
    if (m.gone) continue;
    maildir::StoredMessage stored{m.file.in_cur, std::string(m.file.name())};
    if (!maildir::unlink_message(selected_->folder, stored)) continue;
    out += "* " + std::to_string(i + 1) + " EXPUNGE\r\n";
    selected_->messages.erase(selected_->messages.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out + updates(true) + tagged(c, "OK MOVE done");
}

void Session::learn(const std::vector<std::string>& files, Training training) const {
  if (setup_.learn_junk) train_files(setup_.spam_store, files, training);
}

std::string Session::search(const Command& c, bool uid) {
  auto program = parse_search(c.args, *selected_);
  if (!program)
    return tagged(c, (program.error().kind == ErrorKind::rejected ? "NO " : "BAD ") +
                         program.error().message);
  auto found = run_search(*program, *selected_, uid);
  std::string out = "* SEARCH";
  for (auto n : found) out += " " + std::to_string(n);
  return out + "\r\n" + updates(uid) + tagged(c, "OK SEARCH done");
}

std::string Session::expunge(const Command& c, bool uid) {
  if (selected_->read_only) return tagged(c, "NO [READ-ONLY] mailbox is read-only");
  std::vector<std::uint32_t> only;
  if (uid) {  // UID EXPUNGE (RFC 4315 section 2.1)
    if (c.args.size() != 1) return tagged(c, "BAD UID EXPUNGE needs a set");
    auto indices = messages_of(c.args[0], true);
    if (!indices) return tagged(c, "BAD invalid sequence set");
    for (auto i : *indices) only.push_back(selected_->messages[i].uid);
  }
  std::string out = selected_->expunge(uid ? &only : nullptr, nullptr);
  return out + updates(true) + tagged(c, "OK EXPUNGE done");
}

std::string Session::selected_command(const Command& c, bool& handled) {
  static constexpr std::string_view kSelectedOnly[] = {
      "CLOSE", "UNSELECT",  "EXPUNGE",    "SEARCH",    "FETCH",    "STORE",    "COPY",
      "MOVE",  "UID FETCH", "UID SEARCH", "UID STORE", "UID COPY", "UID MOVE", "UID EXPUNGE"};
  handled = std::find(std::begin(kSelectedOnly), std::end(kSelectedOnly), c.name) !=
            std::end(kSelectedOnly);
  if (!handled) return {};
  if (!selected_) return tagged(c, "BAD no mailbox selected");
  bool uid = c.name.starts_with("UID ");
  std::string verb = uid ? c.name.substr(4) : c.name;
  if (verb == "CLOSE" || verb == "UNSELECT") {
    // RFC 3501 6.4.2: CLOSE expunges silently; UNSELECT (RFC 3691) does not.
    if (verb == "CLOSE" && !selected_->read_only) (void)selected_->expunge(nullptr, nullptr);
    selected_.reset();
    return tagged(c, "OK " + verb + " done");
  }
  if (verb == "EXPUNGE") return expunge(c, uid);
  if (verb == "SEARCH") return search(c, uid);
  if (verb == "FETCH") return fetch(c, uid);
  if (verb == "STORE") return store(c, uid);
  return copy(c, uid, verb == "MOVE");
}

}  // namespace mailroom::server::imap
