// Publishes immutable views to the workers without locks (quiescent-state reclamation):
// workers read the pointer once per wake-up and announce each wake-up; the control thread
// swaps the pointer and frees the old view only when every worker has moved on.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "zones/view.hpp"

namespace lodestar::server {

class ViewPublisher {
 public:
  /// One per worker, on a cache line of its own: written by that worker only.
  struct alignas(64) Reader {
    std::atomic<uint64_t> seen{kOffline};
  };
  static constexpr uint64_t kOffline = ~0ull;

  ViewPublisher(std::unique_ptr<const zones::View> initial, unsigned readers);

  Reader& reader(unsigned i) noexcept { return readers_[i]; }

  /// Worker side, at each wake-up: announce, then read the current view.
  const zones::View* enter(Reader& r) const noexcept {
    r.seen.store(epoch_.load(std::memory_order_seq_cst), std::memory_order_seq_cst);
    return current_.load(std::memory_order_seq_cst);
  }
  /// Worker side, before blocking: holds no view until the next enter().
  static void leave(Reader& r) noexcept { r.seen.store(kOffline, std::memory_order_release); }

  /// Control side: makes `next` current and frees the previous view once no worker can
  /// hold it any more. Blocks for at most one worker iteration.
  void publish(std::unique_ptr<const zones::View> next);
  const zones::View* current() const noexcept { return current_.load(std::memory_order_acquire); }
  /// Control side: changes with every publish(), so a view's address reused by a later one
  /// is never taken for the same view.
  uint64_t generation() const noexcept { return epoch_.load(std::memory_order_acquire); }

 private:
  std::atomic<const zones::View*> current_;
  std::atomic<uint64_t> epoch_{1};
  std::unique_ptr<const zones::View> owned_;
  std::vector<Reader> readers_;
};

}  // namespace lodestar::server
