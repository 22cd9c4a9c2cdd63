// Response rate limiting's memory: a fixed table of token buckets, one per key (a client
// prefix, an answer class, a zone), allocated once. A key that is not in the table takes the
// slot of the stalest bucket of its set, so a flood of new keys (random source prefixes)
// evicts buckets but never grows the table. One table per worker: no lock, no shared write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace lodestar::rrl {

class RateTable {
 public:
  /// Room for at least `entries` buckets (rounded up to a power of two, at least one set).
  explicit RateTable(size_t entries);

  /// Takes one answer from the bucket of `key` (a keyed hash: see RateLimiter) at `nowMs`
  /// (a millisecond clock that may wrap), which refills at `perSecond` answers a second and
  /// holds at most one second's worth. True when the answer is within the limit. A bucket
  /// seen for the first time starts full.
  bool take(uint64_t key, uint32_t nowMs, uint32_t perSecond) noexcept;
  /// take() for a key already in the table, inline and without a call; NewKey (nothing
  /// changed) when it is not: then take() it.
  enum class Taken : uint8_t { Yes, No, NewKey };
  [[gnu::always_inline]] Taken takeKnown(uint64_t key, uint32_t nowMs, uint32_t perSecond) noexcept {
    Bucket* b = find(key);
    if (!b) [[unlikely]]
      return Taken::NewKey;
    return refillAndTake(*b, nowMs, perSecond) ? Taken::Yes : Taken::No;
  }

  size_t capacity() const noexcept { return (setMask_ + 1) * kWays; }
  size_t memoryBytes() const noexcept { return capacity() * sizeof(Bucket); }
  /// Buckets whose slot went to another key: how hard the table is pressed.
  uint64_t evictions() const noexcept { return evictions_; }

 private:
  struct Bucket {
    uint64_t tag;     // the key, never 0 (0: an empty slot)
    uint32_t tokens;  // in thousandths of an answer
    uint32_t stamp;   // when it was last refilled (ms)
  };
  static constexpr size_t kWays = 4;  // a set is one 64-byte cache line
  [[gnu::always_inline]] Bucket* find(uint64_t key) noexcept {
    const uint64_t tag = key ? key : 1;  // never 0 (an empty slot)
    Bucket* set = &buckets_[(key >> setShift_ & setMask_) * kWays];  // the top bits: a product's best mixed
    Bucket* b = nullptr;
    for (size_t i = 0; i < kWays; ++i)
      if (set[i].tag == tag) b = &set[i];
    return b;
  }
  [[gnu::always_inline]] static bool refillAndTake(Bucket& b, uint32_t nowMs, uint32_t perSecond) noexcept {
    // Refill for the time since (a second's worth at most: the wrap of the clock, or a
    // bucket idle for 49 days, cannot overflow it).
    const uint32_t full = perSecond * 1000u;
    const uint64_t tokens = b.tokens + uint64_t(uint32_t(nowMs - b.stamp)) * perSecond;
    b.tokens = tokens < full ? static_cast<uint32_t>(tokens) : full;
    b.stamp = nowMs;
    if (b.tokens < 1000) return false;
    b.tokens -= 1000;
    return true;
  }
  [[gnu::noinline]] Bucket* claim(Bucket* set, uint32_t nowMs) noexcept;  // the slot a new key takes
  std::unique_ptr<Bucket[]> buckets_;
  size_t setMask_;
  unsigned setShift_;  // 64 - log2(sets): the key's top bits pick the set
  uint64_t evictions_ = 0;  // this worker's own: read by the control thread as a hint only
};

}  // namespace lodestar::rrl
