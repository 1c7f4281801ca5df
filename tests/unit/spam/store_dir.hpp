// A fixture with a fresh store directory under /tmp, removed afterwards,
// for the LMDB store tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mailroom/spam/store.hpp"

namespace mailroom::spam::test {

class StoreDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mailroom-spam-store-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = std::string(tmpl) + "/store";
  }
  void TearDown() override {
    std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
  }

  // One committed write of these records (totals 1 and 1).
  static void put(TokenStore& store, const std::vector<std::uint64_t>& keys, std::size_t counted,
                  const std::vector<TokenRecord>& records) {
    auto writer = store.write();
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE((*writer)->put(keys, counted, records, Totals{1, 1, 0.0F}).has_value());
    ASSERT_TRUE((*writer)->commit().has_value());
  }

  std::unique_ptr<TokenStore> open(StoreMode mode) {
    auto store = open_lmdb_store(dir_, mode);
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
    return store ? std::move(*store) : nullptr;
  }

  std::string dir_;
};

}  // namespace mailroom::spam::test
