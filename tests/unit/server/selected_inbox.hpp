// The INBOX of a Maildir at `root`, selected read-only, for the tests of
// server/imap/selected.hpp and fetch.hpp. `holder` keeps the Maildir (whose
// root fd the selection uses) alive as long as the test needs it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <utility>

#include "mailroom/maildir/maildir.hpp"
#include "server/imap/selected.hpp"

namespace mailroom::server::imap {

inline Selected select_inbox(const std::filesystem::path& root,
                             std::optional<maildir::Maildir>& holder) {
  auto maildir = maildir::Maildir::open(root.string(), maildir::Options{});
  EXPECT_TRUE(maildir);
  holder.emplace(std::move(*maildir));
  auto inbox = holder->folder("");
  EXPECT_TRUE(inbox);
  auto box = Selected::open(holder->root_fd(), maildir::FolderName{}, std::move(*inbox), true,
                            holder->options());
  EXPECT_TRUE(box);
  return std::move(*box);
}

}  // namespace mailroom::server::imap
