// Files a test writes under testing::TempDir() with a fixed name: each is
// removed when the test's process ends (ctest runs every test in a process
// of its own), so a test leaves nothing behind, as the project's rule asks.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace mailroom::test {

class RemovedAtExit {
 public:
  RemovedAtExit() = default;
  RemovedAtExit(const RemovedAtExit&) = delete;
  RemovedAtExit& operator=(const RemovedAtExit&) = delete;
  RemovedAtExit(RemovedAtExit&&) = delete;
  RemovedAtExit& operator=(RemovedAtExit&&) = delete;
  ~RemovedAtExit() {
    for (const auto& path : paths_) std::remove(path.c_str());
  }
  void add(std::string path) { paths_.push_back(std::move(path)); }

 private:
  std::vector<std::string> paths_;
};

// PATH, noted for removal when the process ends.
inline std::string removed_at_exit(std::string path) {
  static RemovedAtExit files;
  files.add(path);
  return path;
}

}  // namespace mailroom::test
