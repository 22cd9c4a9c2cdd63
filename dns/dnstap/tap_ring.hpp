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
  /// `capacity` is rounded up to a power of two.
  explicit TapRing(size_t capacity);

  /// Producer: the slot to fill, or null when the ring is full (the drop is counted).
  TapRecord* claim() noexcept {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) == mask_ + 1) {
      dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      return nullptr;
    }
    return &slots_[head & mask_];
  }
  /// Producer: the slot claim() gave is filled; the writer may read it.
  void publish() noexcept { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  /// Consumer: the oldest record, or null when the ring is empty.
  const TapRecord* front() const noexcept {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    return tail == head_.load(std::memory_order_acquire) ? nullptr : &slots_[tail & mask_];
  }
  /// Consumer: the record front() gave is read; its slot may be filled again.
  void pop() noexcept { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  size_t capacity() const noexcept { return mask_ + 1; }

 private:
  uint64_t mask_;
  std::unique_ptr<TapRecord[]> slots_;
  alignas(64) std::atomic<uint64_t> head_{0};     // written by the producer
  std::atomic<uint64_t> dropped_{0};              // by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};     // by the consumer
};

}  // namespace lodestar::dnstap
