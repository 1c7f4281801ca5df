// Adding a folder to the IMAP servers' subscription lists, so that clients
// that show only subscribed folders (most do) see folders we create.
#pragma once

#include <string>
#include <string_view>

#include "mailroom/maildir/folder_name.hpp"
#include "mailroom/maildir/options.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::maildir::detail {

struct SubscriptionLimits {
  std::size_t max_file_bytes = std::size_t{1024} * 1024;  // a larger file is left alone
};

// Dovecot's "subscriptions" in the Maildir root (lib-storage/list/
// subscription-file.c). Version 2 files start with "V\t2\n\n" and hold one
// name a line, each hierarchy level in modified UTF-7, levels joined by TAB
// (so the file does not depend on the namespace separator). Written under
// Dovecot's dotlock "subscriptions.lock" and replaced by rename, never in
// place. A name already there is not added twice.
Status subscribe_dovecot(int rootfd, const std::string& root_path, const FolderName& name,
                         const Options& options, const SubscriptionLimits& limits = {});

// Removes the name from Dovecot's "subscriptions" (IMAP UNSUBSCRIBE), in
// the same way: under the dotlock, replaced by rename. Absent: nothing to do.
Status unsubscribe_dovecot(int rootfd, const std::string& root_path, const FolderName& name,
                           const Options& options, const SubscriptionLimits& limits = {});

// Courier's "courierimapsubscribed", only if it exists: "INBOX.<a>.<b>"
// lines (modified UTF-7). Replaced through a unique temp file + rename.
Status subscribe_courier(int rootfd, const std::string& root_path, const FolderName& name,
                         const Options& options, const std::string& host,
                         const SubscriptionLimits& limits = {});

// The version 2 line for a name: "Lists\tWork".
std::string dovecot_subscription_line(const FolderName& name);

// True if content (a whole file) has exactly this line.
bool has_line(std::string_view content, std::string_view line);

}  // namespace mailroom::maildir::detail
