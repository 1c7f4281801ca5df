// Maildir++ quota against the file system: check before a delivery,
// recalculate when the Maildir++ rules say the sum cannot be trusted, and
// account for a delivery afterwards.
#pragma once

#include <cstdint>
#include <string>

#include "mailroom/maildir/options.hpp"
#include "mailroom/maildir/quota.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::maildir::detail {

struct QuotaContext {
  int rootfd = -1;
  int tmpfd = -1;  // the root's tmp/, where a rebuilt maildirsize is written first
  std::string root;
  std::string host;
  const Options* options = nullptr;
  MaildirsizeLimits limits;
};

Result<QuotaCheck> check_quota(const QuotaContext& ctx, std::uint64_t incoming_bytes);
Status record_delivery(const QuotaContext& ctx, std::uint64_t bytes, std::uint64_t count);

// Sums the messages in new/ and cur/ of the root and of every ".Folder"
// (S= from the name when present, else the file's size).
Result<QuotaUsage> count_usage(int rootfd, const std::string& root);

}  // namespace mailroom::maildir::detail
