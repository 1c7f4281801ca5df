// make_memory_store (store.hpp): an unordered_map behind the interface.
// Writes go straight to the maps (no isolation): single-threaded use only.
// Keys past `counted` use the hashed weight table as the LMDB store does,
// so bench/spam-eval measures what a real store scores.
#include <map>
#include <unordered_map>
#include <vector>

#include "mailroom/spam/store.hpp"

namespace mailroom::spam {
namespace {

struct MemoryData {
  std::unordered_map<std::uint64_t, TokenRecord> tokens;
  std::map<Digest, MessageClass> messages;
  std::vector<std::int16_t> weights = std::vector<std::int16_t>(kWeightSlots, 0);
  Totals totals;

  Snapshot read(std::span<const std::uint64_t> keys, std::size_t counted) const {
    Snapshot snap;
    snap.totals = totals;
    snap.records.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (i >= counted) {
        snap.records.push_back(
            TokenRecord{0, 0, weight_sign(keys[i]) * weight_of(weights[weight_slot(keys[i])])});
        continue;
      }
      const auto it = tokens.find(keys[i]);
      snap.records.push_back(it == tokens.end() ? TokenRecord{} : it->second);
    }
    return snap;
  }
};

class MemoryWriter final : public StoreWriter {
 public:
  explicit MemoryWriter(MemoryData& data) : data_(data) {}
  Result<Snapshot> read(std::span<const std::uint64_t> keys, std::size_t counted) override {
    return data_.read(keys, counted);
  }
  Result<MessageClass> message_class(const Digest& digest) override {
    const auto it = data_.messages.find(digest);
    return it == data_.messages.end() ? MessageClass::none : it->second;
  }
  Status put(std::span<const std::uint64_t> keys, std::size_t counted,
             std::span<const TokenRecord> records, const Totals& totals) override {
    for (std::size_t i = 0; i < keys.size() && i < records.size(); ++i) {
      if (i < counted)
        data_.tokens[keys[i]] = records[i];
      else
        data_.weights[weight_slot(keys[i])] =
            quantize_weight(weight_sign(keys[i]) * records[i].weight);
    }
    data_.totals = totals;
    return ok();
  }
  Status set_message_class(const Digest& digest, MessageClass cls) override {
    data_.messages[digest] = cls;
    return ok();
  }
  Status commit() override { return ok(); }

 private:
  MemoryData& data_;
};

class MemoryStore final : public TokenStore {
 public:
  Result<Snapshot> read(std::span<const std::uint64_t> keys, std::size_t counted) override {
    return data_.read(keys, counted);
  }
  Result<std::unique_ptr<StoreWriter>> write() override {
    return std::unique_ptr<StoreWriter>(std::make_unique<MemoryWriter>(data_));
  }

 private:
  MemoryData data_;
};

}  // namespace

std::unique_ptr<TokenStore> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace mailroom::spam
