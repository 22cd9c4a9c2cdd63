#include "dns/rrl/rate_table.hpp"

#include <algorithm>
#include <bit>

namespace lodestar::rrl {

RateTable::RateTable(size_t entries) {
  const size_t sets = std::bit_ceil(std::max<size_t>(entries / kWays, 1));
  setMask_ = sets - 1;
  setShift_ = sets > 1 ? 64 - std::countr_zero(sets) : 63;  // sets is a power of two (one set: index 0)
  buckets_ = std::make_unique<Bucket[]>(sets * kWays);  // zeroed: every slot empty
}

bool RateTable::take(uint64_t key, uint32_t nowMs, uint32_t perSecond) noexcept {
  const uint64_t tag = key ? key : 1;  // never 0 (an empty slot)
  Bucket* set = &buckets_[(key >> setShift_ & setMask_) * kWays];  // the top bits: a product's best mixed
  const uint32_t full = perSecond * 1000u;
  Bucket* b = nullptr;
  for (size_t i = 0; i < kWays; ++i)
    if (set[i].tag == tag) b = &set[i];
  if (b) [[likely]] {
    // Refill for the time since (a second's worth at most: the wrap of the clock, or a
    // bucket idle for 49 days, cannot overflow it).
    const uint64_t tokens = b->tokens + uint64_t(uint32_t(nowMs - b->stamp)) * perSecond;
    b->tokens = tokens < full ? static_cast<uint32_t>(tokens) : full;
    b->stamp = nowMs;
  } else {
    b = claim(set, nowMs);
    b->tag = tag;
    b->tokens = full;
    b->stamp = nowMs;
  }
  if (b->tokens < 1000) return false;
  b->tokens -= 1000;
  return true;
}

RateTable::Bucket* RateTable::claim(Bucket* set, uint32_t nowMs) noexcept {
  // An empty slot, else the one refilled longest ago.
  Bucket* stalest = set;
  for (size_t i = 0; i < kWays; ++i) {
    if (!set[i].tag) return &set[i];
    if (uint32_t(nowMs - set[i].stamp) > uint32_t(nowMs - stalest->stamp)) stalest = &set[i];
  }
  ++evictions_;
  return stalest;
}

}  // namespace lodestar::rrl
