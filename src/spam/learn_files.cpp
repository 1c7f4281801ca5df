// learn_files and friends (learn_files.hpp).
#include "mailroom/spam/learn_files.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "mailroom/util/file.hpp"

namespace mailroom::spam {
namespace {

namespace fs = std::filesystem;

// Larger files are not mail anyone learns from (deliver's default size
// limit is far below); refusing them bounds the memory of one learn.
constexpr std::size_t kMaxMessageFile = std::size_t{64} << 20;

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) && fs::is_directory(dir / "new", ec);
}

void add_regular_files(const fs::path& dir, bool recursive, std::vector<std::string>& out,
                       std::error_code& ec) {
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // dot files, Maildir++ subfolders
    if (it->is_regular_file(ec))
      out.push_back(it->path().string());
    else if (recursive && it->is_directory(ec))
      add_regular_files(it->path(), true, out, ec);
  }
}

}  // namespace

std::string user_store_dir(const std::string& home) { return home + "/.mailroom/spam"; }

Result<std::vector<std::string>> message_files(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::path path(p);
    if (fs::is_regular_file(path, ec)) {
      out.push_back(p);
    } else if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      if (is_maildir(path)) {
        add_regular_files(path / "cur", false, found, ec);
        if (!ec) add_regular_files(path / "new", false, found, ec);
      } else {
        add_regular_files(path, true, found, ec);
      }
      if (ec) return fail(ErrorKind::data, p + ": " + ec.message());
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      return fail(ErrorKind::data, p + ": no such file or directory");
    }
  }
  return out;
}

Result<message::Message> read_message_file(const std::string& path) {
  auto bytes = read_whole_file(path, kMaxMessageFile, ErrorKind::data);
  if (!bytes) return tl::unexpected(bytes.error());
  std::string text = std::move(*bytes);
  // An mbox "From " line is not part of the message (as deliver strips it).
  if (text.rfind("From ", 0) == 0) {
    const auto nl = text.find('\n');
    text.erase(0, nl == std::string::npos ? text.size() : nl + 1);
  }
  auto buffer =
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(text)));
  return message::Message::parse(buffer);
}

Result<LearnSummary> learn_files(
    TokenStore& store, const std::vector<std::string>& files, bool spam, const ModelParams& params,
    const std::function<void(std::size_t, std::size_t, const std::string&)>& progress,
    std::size_t batch) {
  LearnSummary summary;
  std::unique_ptr<StoreWriter> writer;
  std::size_t in_batch = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto msg = read_message_file(files[i]);
    if (!msg) {
      ++summary.unreadable;
      if (progress) progress(i + 1, files.size(), msg.error().message);
      continue;
    }
    if (!writer) {
      auto opened = store.write();
      if (!opened) return tl::unexpected(opened.error());
      writer = std::move(*opened);
    }
    auto outcome = learn(*writer, message_features(*msg, params), spam, params);
    if (!outcome) return tl::unexpected(outcome.error());
    if (*outcome == LearnOutcome::learnt) ++summary.learnt;
    if (*outcome == LearnOutcome::moved) ++summary.moved;
    if (*outcome == LearnOutcome::already_known) ++summary.already_known;
    if (++in_batch >= batch) {
      if (auto done = writer->commit(); !done) return tl::unexpected(done.error());
      writer.reset();
      in_batch = 0;
    }
    if (progress) progress(i + 1, files.size(), {});
  }
  if (writer) {
    if (auto done = writer->commit(); !done) return tl::unexpected(done.error());
  }
  return summary;
}

}  // namespace mailroom::spam
