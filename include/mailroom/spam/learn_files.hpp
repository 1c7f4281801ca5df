// `mailroom learn` and `mailroom score` without the command line: message
// files, directories and Maildirs learnt into a store, one message file
// scored, and where a user's store lives.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/model.hpp"
#include "mailroom/spam/store.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::spam {

// The store of the user whose home is `home`: <home>/.mailroom/spam (an
// LMDB environment directory).
[[nodiscard]] std::string user_store_dir(const std::string& home);

// The store at `path` (spam.store with ~ and %u expanded: an LMDB
// directory or a Redis URL) of the user `user_name`, with the Redis key
// prefix and timeout of `config` (%u in spam.redis_prefix: the user name).
[[nodiscard]] StoreLocation store_location(std::string path, const SpamConfig& config,
                                           const std::string& user_name);

// The message files under each path, in sorted order: a file is itself; a
// Maildir (a directory with cur/ and new/) gives the files of cur/ and new/
// (not its subfolders); another directory gives every regular file below
// it whose name does not start with '.'.
[[nodiscard]] Result<std::vector<std::string>> message_files(const std::vector<std::string>& paths);

// A message file parsed, without the mbox "From " line if it has one.
[[nodiscard]] Result<message::Message> read_message_file(const std::string& path);

struct LearnSummary {
  std::size_t learnt = 0;         // new to the store
  std::size_t moved = 0;          // learnt before in the other class
  std::size_t already_known = 0;  // learnt before in this class: unchanged
  std::size_t unreadable = 0;     // could not be read (named on stderr by the caller)
};

// Learns every file as spam or ham, committing every `batch` messages (one
// fsync per batch). progress(done, total, path_or_error) is called after
// each file; a non-empty error names an unreadable file.
[[nodiscard]] Result<LearnSummary> learn_files(
    TokenStore& store, const std::vector<std::string>& files, bool spam, const ModelParams& params,
    const std::function<void(std::size_t, std::size_t, const std::string&)>& progress,
    std::size_t batch = 256);

}  // namespace mailroom::spam
