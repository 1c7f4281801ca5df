#include "deliver/store.hpp"

#include <algorithm>
#include <cerrno>
#include <utility>

#include "mailroom/maildir/delivery.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::deliver {
namespace {

maildir::Options options_from(const Config& config) {
  maildir::Options options;
  options.fsync = config.maildir.fsync;
  options.create = config.maildir.create;
  options.subscribe = config.maildir.subscribe;
  options.hostname = config.maildir.hostname;
  options.default_quota = config.maildir.default_quota;
  options.over_quota_rejects = !config.deliver.quota_tempfail;
  options.add_keywords = config.maildir.dovecot_keywords;
  return options;
}

// Dovecot's fallback chain (mail_do_deliver): the chosen folder, else INBOX.
// A name we refuse or cannot open never loses the message.
const maildir::Folder* choose_folder(maildir::Maildir& maildir, const Target& target,
                                     std::vector<maildir::Folder>& opened,
                                     std::vector<std::string>& warnings) {
  auto folder = maildir.folder(target.folder);
  if (!folder && folder.error().sys_errno == ENOENT && target.create && !maildir.options().create) {
    // The same root opened again with creation on, for this folder only.
    auto options = maildir.options();
    options.create = true;
    if (auto creating = maildir::Maildir::open(maildir.root(), options))
      folder = creating->folder(target.folder);
  }
  if (!folder) {
    warnings.push_back("folder \"" + target.folder + "\" not used (" + folder.error().message +
                       "), delivering to INBOX instead");
    return &maildir.inbox();
  }
  if (!folder->warning().empty()) warnings.push_back(folder->warning());
  opened.push_back(std::move(*folder));
  return &opened.back();
}

// Whether a Received: field's value has an "id" clause (RFC 5321 section
// 4.4, "id" SP String before the ";" and the date): Postfix "with ESMTP id
// 4Q1x2y3z", Exim "id 1r2s3t-000AbC-12", Sendmail, OpenSMTPD and Dovecot's
// LMTP write one. That MTA's queue id makes equal bytes one queue entry.
bool names_a_queue_entry(std::string_view received) {
  received = received.substr(0, received.rfind(';'));
  std::size_t pos = 0;
  auto next_word = [&]() -> std::string_view {
    const auto start = received.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) return {};
    const auto end = std::min(received.find_first_of(" \t", start), received.size());
    pos = end;
    return received.substr(start, end - start);
  };
  for (auto word = next_word(); !word.empty(); word = next_word()) {
    if (word.size() == 2 && (word[0] == 'i' || word[0] == 'I') &&
        (word[1] == 'd' || word[1] == 'D'))
      return !next_word().empty();
  }
  return false;
}

// The Maildir info letters for a target: its system flags, and the Dovecot
// letter of each keyword, added to the folder's dovecot-keywords file first
// when it does not name it yet (under Dovecot's lock, maildir.dovecot_keywords).
std::string flags_for(const maildir::Folder& folder, const Target& target,
                      const maildir::Options& options, std::vector<std::string>& warnings) {
  if (target.keywords.empty()) return target.flags;
  std::vector<std::string_view> names(target.keywords.begin(), target.keywords.end());
  if (options.add_keywords) {
    if (auto added = folder.add_keywords(names, options); !added)
      warnings.push_back("keywords not added to " + folder.name() +
                         "/dovecot-keywords: " + added.error().message);
  }
  std::string unknown;
  std::string letters = folder.keyword_letters(names, &unknown);
  if (!unknown.empty())
    warnings.push_back("keywords not known to " + folder.name() + " not stored: " + unknown);
  return target.flags + letters;
}

}  // namespace

std::string StoreReport::folders_text() const {
  std::string text;
  for (const auto& folder : folders) text += (text.empty() ? "" : ",") + folder;
  return text;
}

std::string StoreReport::why_text() const {
  std::string text;
  for (const auto& reason : why) text += (text.empty() ? "" : "; ") + reason;
  return text;
}

Result<Store> Store::open(const std::string& maildir_root, const Config& config) {
  auto maildir = maildir::Maildir::open(maildir_root, options_from(config));
  if (!maildir) return tl::unexpected(maildir.error());
  return Store(std::move(*maildir), config.deliver.retry_window);
}

bool Store::recognise_retry(const message::Message& message, std::string_view recipient) {
  if (retry_window_.count() <= 0 || !names_a_queue_entry(message.value("Received"))) return false;
  auto record = maildir::DeliveryRecord::open(maildir_, {retry_window_});
  if (!record) {
    log::warn("delivery record not used: {}", record.error().message);
    return false;
  }
  record->expire_old_entries();
  key_ = record->key(message.raw(), recipient);
  if (record->delivered(key_)) {
    log::info(
        "already delivered: to=<{}> maildir={} record={} (the MTA retried a delivery whose exit "
        "it did not see; not stored again)",
        recipient, maildir_.root(), key_);
    return true;
  }
  record_ = std::move(*record);
  return false;
}

// Before the link: a kill at any later moment leaves the record's name with
// a second one in new/, which is what a retry looks for.
void Store::keep_in_record(maildir::Delivery& delivery) {
  if (!record_) return;
  if (auto kept = record_->keep(key_, delivery); !kept)
    log::warn("delivery record not updated: {}", kept.error().message);
}

Status Store::check_quota(std::uint64_t incoming_bytes) {
  return maildir_.enforce_quota(incoming_bytes);
}

Result<StoreReport> Store::save_sent(const Target& target, std::string_view text) {
  auto record = std::exchange(record_, std::nullopt);
  const std::string_view pieces[] = {text};
  auto saved = save({target}, pieces);
  record_ = std::move(record);
  return saved;
}

std::string Store::spool_directory() const { return maildir_.root() + "/tmp"; }

Result<StoreReport> Store::save(const std::vector<Target>& targets,
                                std::span<const std::string_view> pieces,
                                maildir::SourceFile source) {
  StoreReport report;
  for (auto piece : pieces) report.bytes += piece.size();
  std::vector<maildir::Folder> opened;
  opened.reserve(targets.size());
  maildir::Delivery delivery(maildir_);
  std::vector<std::string> staged_names;
  std::vector<std::string> staged_why;
  // The system error of the last copy that could not be staged: when none
  // could, it is the delivery's (ENOSPC -> 4.3.1, EDQUOT -> 4.2.2).
  int stage_errno = 0;
  for (const auto& target : targets) {
    const auto* folder = choose_folder(maildir_, target, opened, report.warnings);
    // keep + fileinto "INBOX" is one copy, not two.
    if (std::find(staged_names.begin(), staged_names.end(), folder->name()) != staged_names.end())
      continue;
    // Before staging, while the watchdog may still end the delivery: at most
    // every 8 hours per folder, files abandoned in tmp/ for 36 (issue 12 item 8).
    maildir::clean_tmp(*folder);
    const std::string flags = flags_for(*folder, target, maildir_.options(), report.warnings);
    if (auto staged = delivery.stage(*folder, pieces, flags, source); !staged) {
      report.warnings.push_back("copy for " + folder->name() +
                                " failed: " + staged.error().message);
      stage_errno = staged.error().sys_errno;
      continue;
    }
    staged_names.push_back(folder->name());
    staged_why.push_back(folder->name() == target.folder || target.folder == "INBOX"
                             ? target.why
                             : target.why + ", refused: fell back to INBOX");
  }
  if (delivery.staged() == 0) {
    if (!report.warnings.empty())
      return tl::unexpected(Error{ErrorKind::temporary, report.warnings.back(), stage_errno});
    return fail(ErrorKind::internal, "no delivery target");
  }
  keep_in_record(delivery);
  auto committed = delivery.commit();
  for (std::size_t i = 0; i < committed.copies.size(); ++i) {
    const auto& copy = committed.copies[i];
    if (!copy.delivered()) {
      report.warnings.push_back("copy for " + copy.folder + " failed: " + copy.error->message);
      continue;
    }
    report.folders.push_back(copy.folder);
    report.files.push_back(copy.path);
    report.why.push_back(i < staged_why.size() ? staged_why[i] : "");
    if (!copy.warning.empty()) report.warnings.push_back(copy.warning);
  }
  if (!committed.any_delivered()) {
    const Error* error = committed.first_error();
    return tl::unexpected(error != nullptr ? *error : Error{ErrorKind::internal, "not saved"});
  }
  if (auto counted = maildir::record_delivery(maildir_, report.bytes * report.files.size(),
                                              report.files.size());
      !counted)
    report.warnings.push_back("quota not updated: " + counted.error().message);
  return report;
}

}  // namespace mailroom::deliver
