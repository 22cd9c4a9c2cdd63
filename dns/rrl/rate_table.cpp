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
  if (Bucket* b = find(key)) return refillAndTake(*b, nowMs, perSecond);
  Bucket* b = claim(&buckets_[(key >> setShift_ & setMask_) * kWays], nowMs);
  b->tag = key ? key : 1;  // never 0 (an empty slot)
  b->tokens = perSecond * 1000u;  // a bucket seen for the first time starts full
  b->stamp = nowMs;
  return refillAndTake(*b, nowMs, perSecond);
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
