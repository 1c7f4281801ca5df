// A fixture with a fresh store directory under /tmp, removed afterwards,
// for the LMDB store tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

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

  std::unique_ptr<TokenStore> open(StoreMode mode) {
    auto store = open_lmdb_store(dir_, mode);
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
    return store ? std::move(*store) : nullptr;
  }

  std::string dir_;
};

}  // namespace mailroom::spam::test
