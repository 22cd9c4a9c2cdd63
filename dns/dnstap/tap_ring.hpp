// A bounded single-producer, single-consumer ring of TapRecords: one per answering thread,
// drained by the dnstap writer. A full ring drops the record and counts it: a worker never
// waits for the log.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "dns/dnstap/tap_record.hpp"

namespace lodestar::dnstap {

class TapRing {
 public:
  /// At least this many slots: the UDP loop sends a batch's answers from their slots after
  /// publishing them, so a batch must never come round to its own first slot.
  static constexpr size_t kMinCapacity = 64;

  /// `capacity` is rounded up to a power of two, and to kMinCapacity. `tcp`: the producer
  /// answers over TCP (its records say so through the ring: a worker writes one field less).
  TapRing(size_t capacity, bool tcp);

  /// Producer: whether a slot is free for the next record; false when the ring is full (the
  /// drop is counted). The consumer's position is read again only when the ring looks full.
  bool claim() noexcept {
    if (next_ - tailSeen_ > mask_) [[unlikely]] {
      tailSeen_ = tail_.load(std::memory_order_acquire);
      if (next_ - tailSeen_ > mask_) {
        dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return false;
      }
    }
    return true;
  }
  /// Producer: the slot claim() found free, to fill before publish().
  TapRecord& slot() noexcept { return slots_[next_ & mask_]; }
  /// Producer: the slot is filled; the writer may read it.
  void publish() noexcept { head_.store(++next_, std::memory_order_release); }

  /// Consumer: the oldest record, or null when the ring is empty.
  const TapRecord* front() const noexcept {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    return tail == head_.load(std::memory_order_acquire) ? nullptr : &slots_[tail & mask_];
  }
  /// Consumer: the record front() gave is read; its slot may be filled again.
  void pop() noexcept { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  size_t capacity() const noexcept { return mask_ + 1; }
  bool tcp() const noexcept { return tcp_; }

 private:
  uint64_t mask_;
  bool tcp_;
  std::unique_ptr<TapRecord[]> slots_;
  alignas(64) std::atomic<uint64_t> head_{0};     // written by the producer
  uint64_t next_ = 0;                             // the producer's own copy of head_
  uint64_t tailSeen_ = 0;                         // the producer's last reading of tail_
  std::atomic<uint64_t> dropped_{0};              // by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};     // by the consumer
};

}  // namespace lodestar::dnstap
