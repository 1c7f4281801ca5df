// Learning from the user (issue 15, "Learning from the user"): what a
// client's move, copy, APPEND or keyword says about a message, and the
// training of the user's spam store that follows. The session process is
// the user, so it opens the user's own store; training is a few LMDB
// writes per message, done after the command's work and before its reply,
// and a failure is logged, never turned into a failed IMAP command.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/spam/store.hpp"

namespace mailroom::server::imap {

enum class Training { none, spam, ham };

// Address space an IMAP session needs beyond serve.session_memory to train:
// the LMDB store maps its whole map size (1 GiB) while it is open. The
// mapping is of the store's file, so it is page cache, not the session's
// memory; without this room mmap fails with ENOMEM under RLIMIT_AS.
inline constexpr std::uint64_t kSpamStoreAddressSpace = (std::uint64_t{1} << 30) + (64U << 20);

// A message arriving in a folder whose SPECIAL-USE attribute (RFC 6154) is
// `to_use` from one whose attribute is `from_use` ("" for APPEND and for
// folders without one): into \Junk is spam; out of \Junk is ham, except
// into \Trash (deleting spam says nothing about it being ham, the mistake
// plugins that learn every move out of Junk make); everything else nothing.
[[nodiscard]] Training transfer_training(std::string_view from_use, std::string_view to_use);

// The keywords a STORE adds (FLAGS or +FLAGS): $Junk is spam, $NotJunk is
// ham (the keywords Thunderbird and Apple Mail set); both at once, or
// neither, is nothing.
[[nodiscard]] Training keyword_training(const std::vector<std::string>& added);

// Trains the message files into the user's spam store (LMDB or Redis).
// Relearning moves a message between classes (the store remembers each
// message's class), so a message moved back and forth is counted once.
// Errors are logged.
void train_files(const spam::StoreLocation& store, const std::vector<std::string>& files,
                 Training training);

}  // namespace mailroom::server::imap
