// What a folder transfer or a keyword trains (junk_learning.hpp).
#include "server/imap/junk_learning.hpp"

#include <algorithm>
#include <cctype>

#include "mailroom/spam/learn_files.hpp"
#include "mailroom/util/log.hpp"

namespace mailroom::server::imap {
namespace {

bool same_attribute(std::string_view a, std::string_view b) {
  // RFC 6154 attributes are case-insensitive atoms ("\Junk").
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
    return std::tolower(x) == std::tolower(y);
  });
}

bool has_keyword(const std::vector<std::string>& flags, std::string_view keyword) {
  // RFC 3501 section 2.3.2: flag names are case-insensitive.
  return std::any_of(flags.begin(), flags.end(),
                     [&](const std::string& f) { return same_attribute(f, keyword); });
}

}  // namespace

Training transfer_training(std::string_view from_use, std::string_view to_use) {
  const bool from_junk = same_attribute(from_use, "\\Junk");
  const bool to_junk = same_attribute(to_use, "\\Junk");
  if (to_junk) return from_junk ? Training::none : Training::spam;
  if (!from_junk || same_attribute(to_use, "\\Trash")) return Training::none;
  return Training::ham;
}

Training keyword_training(const std::vector<std::string>& added) {
  const bool junk = has_keyword(added, "$Junk");
  const bool not_junk = has_keyword(added, "$NotJunk");
  if (junk == not_junk) return Training::none;
  return junk ? Training::spam : Training::ham;
}

void train_files(const spam::StoreLocation& where, const std::vector<std::string>& files,
                 Training training) {
  const std::string& store_dir = where.path;
  if (training == Training::none || files.empty() || store_dir.empty()) return;
  const bool spam = training == Training::spam;
  auto store = spam::open_store(where, spam::StoreMode::read_write);
  if (!store) {
    log::error("imap: cannot train {}: {}", store_dir, store.error().message);
    return;
  }
  auto summary = spam::learn_files(**store, files, spam, spam::ModelParams{}, {});
  if (!summary) {
    log::error("imap: training {} as {}: {}", store_dir, spam ? "spam" : "ham",
               summary.error().message);
    return;
  }
  log::info("imap: learnt {} as {}: {} new, {} moved, {} already known, {} unreadable",
            files.size(), spam ? "spam" : "ham", summary->learnt, summary->moved,
            summary->already_known, summary->unreadable);
}

}  // namespace mailroom::server::imap
