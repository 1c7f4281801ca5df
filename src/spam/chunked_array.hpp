// An array of fixed-size entries kept in LMDB values of 16 pages each, with
// an index of u32 offsets (host order): what format 3's weight table
// (sparse_table.hpp) and records' copy (records_table.hpp) share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace mailroom::spam {

// 65,520 bytes of entries: with LMDB's 16-byte page header, 16 pages
// exactly (LMDB reuses freed runs of 16 pages readily).
constexpr std::size_t kChunkValueBytes = 65520;

struct ChunkedArray {
  std::size_t entry_bytes;
  [[nodiscard]] constexpr std::size_t chunk_entries() const noexcept {
    return kChunkValueBytes / entry_bytes;
  }
  [[nodiscard]] constexpr std::size_t chunk_count(std::size_t entries) const noexcept {
    return (entries + chunk_entries() - 1) / chunk_entries();
  }
  // The size chunk n must have in an array of `entries` entries.
  [[nodiscard]] constexpr std::size_t chunk_bytes(std::size_t n,
                                                  std::size_t entries) const noexcept {
    const std::size_t before = n * chunk_entries();
    const std::size_t in_chunk =
        entries - before < chunk_entries() ? entries - before : chunk_entries();
    return in_chunk * entry_bytes;
  }
  [[nodiscard]] const unsigned char* entry(const std::vector<const unsigned char*>& chunks,
                                           std::size_t n) const noexcept {
    return chunks[n / chunk_entries()] + (n % chunk_entries()) * entry_bytes;
  }
};

// Offset n of an index.
[[nodiscard]] inline std::uint32_t index_offset(const unsigned char* index,
                                                std::size_t n) noexcept {
  std::uint32_t value = 0;
  std::memcpy(&value, index + n * sizeof value, sizeof value);
  return value;
}

}  // namespace mailroom::spam
