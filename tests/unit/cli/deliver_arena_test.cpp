// The deliver arena (src/cli/deliver_arena.cpp). Each TEST runs in a
// process of its own (gtest_discover_tests), so each starts with the arena
// off and empty.
#include "cli/deliver_arena.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace mailroom::cli {
namespace {

// As containers allocate: with a sized delete where the compiler has it
// (GCC; clang before 19 only with -fsized-deallocation).
void* allocate(std::size_t size) { return std::allocator<char>().allocate(size); }
void release(void* block, std::size_t size) {
  std::allocator<char>().deallocate(static_cast<char*>(block), size);
}
#ifdef __cpp_sized_deallocation
constexpr bool kSizedDelete = true;
#else
constexpr bool kSizedDelete = false;
#endif

TEST(DeliverArena, OffUntilEnabled) {
  void* block = allocate(100);
  EXPECT_EQ(deliver_arena_used(), 0U);
  release(block, 100);
}

TEST(DeliverArena, SmallBlocksAreCutAndFreedOnesReusedBySize) {
  enable_deliver_arena();
  if (!deliver_arena_built()) {  // a sanitizer build: malloc throughout
    EXPECT_EQ(deliver_arena_used(), 0U);
    return;
  }
  const std::size_t before = deliver_arena_used();
  void* first = allocate(100);
  EXPECT_EQ(deliver_arena_used(), before + 112);  // rounded up to 16
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % __STDCPP_DEFAULT_NEW_ALIGNMENT__, 0U);
  void* second = allocate(100);
  EXPECT_NE(first, second);
  release(first, 100);
  // The next block of the same size class is the one just freed (when the
  // delete says its size); another size is cut anew.
  void* third = allocate(97);
  if (kSizedDelete) EXPECT_EQ(third, first);
  void* other = allocate(200);
  EXPECT_NE(other, first);
  EXPECT_EQ(deliver_arena_used(), before + 112 + 112 + (kSizedDelete ? 0 : 112) + 208);
  release(second, 100);
  release(third, 97);
  release(other, 200);
}

TEST(DeliverArena, LargeBlocksAndBlocksFromBeforeGoToMalloc) {
  std::string made_before(1000, 'x');  // freed into malloc after the switch
  enable_deliver_arena();
  const std::size_t before = deliver_arena_used();
  void* large = allocate(kDeliverArenaLargestBlock + 1);
  EXPECT_EQ(deliver_arena_used(), before);
  release(large, kDeliverArenaLargestBlock + 1);
  made_before = std::string(made_before.size(), 'y');
  EXPECT_EQ(made_before, std::string(1000, 'y'));
}

TEST(DeliverArena, WhenUsedUpBlocksComeFromMalloc) {
  enable_deliver_arena();
  if (!deliver_arena_built()) return;
  std::vector<void*> blocks;
  while (deliver_arena_used() + kDeliverArenaLargestBlock <= kDeliverArenaBytes)
    blocks.push_back(allocate(kDeliverArenaLargestBlock));
  const std::size_t full = deliver_arena_used();
  void* more = allocate(kDeliverArenaLargestBlock);  // no room left for it
  EXPECT_EQ(deliver_arena_used(), full);
  auto beyond = std::make_unique<std::string>(kDeliverArenaLargestBlock - 100, 'z');
  EXPECT_EQ(*beyond, std::string(kDeliverArenaLargestBlock - 100, 'z'));
  release(more, kDeliverArenaLargestBlock);
  for (void* block : blocks) release(block, kDeliverArenaLargestBlock);
  // Freed arena blocks are reused even though the arena is used up.
  void* again = allocate(kDeliverArenaLargestBlock);
  if (kSizedDelete) EXPECT_EQ(again, blocks.back());
  release(again, kDeliverArenaLargestBlock);
}

TEST(DeliverArena, ContainersKeepTheirContents) {
  enable_deliver_arena();
  std::vector<std::string> words;
  words.reserve(2000);
  for (int i = 0; i < 2000; ++i) words.push_back("word number " + std::to_string(i) + " of many");
  for (int i = 0; i < 2000; i += 2) words[static_cast<std::size_t>(i)].clear();
  words.shrink_to_fit();
  EXPECT_EQ(words[1], "word number 1 of many");
  EXPECT_EQ(words[1999], "word number 1999 of many");
  EXPECT_TRUE(words[1998].empty());
}

}  // namespace
}  // namespace mailroom::cli
