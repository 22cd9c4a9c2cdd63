// The operator's switches one view's answers read (a drain switch per region, a forced state
// per endpoint), allocated and owned apart from the view: the view holds only const pointers
// into this table, and only the holder of the writable handle (the control loop, given it by
// the loader beside the view) writes them. So a published view is never written.
//
// A reload that keeps unchanged zones keeps their table too and appends the new zones'
// endpoints to it while the control loop writes the forces of the served ones: appending
// never moves a slot nor touches memory a reader of an existing slot reads (a fixed chunk
// directory, no container that reallocates).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>

#include "health/state/health_cell.hpp"
#include "zones/steered_record.hpp"

namespace lodestar::zones {

class AdminCells {
  static constexpr size_t kChunkSize = 4096;
  static constexpr size_t kChunks = 4096;

 public:
  static constexpr size_t kCapacity = kChunkSize * kChunks;  // endpoints ever added
  /// Called once, when the view's regions are known (one slot more: the overflow id).
  void setRegionCount(size_t count) {
    regions_ = std::make_unique<RegionAdmin[]>(count);
    regionCount_ = count;
  }
  /// A new endpoint's override (an address of one pool in one region, or a CNAME region's
  /// target), while loading. Its address never changes: the endpoint keeps a const pointer to it.
  /// Only the loader calls it, one load at a time.
  EndpointId addEndpoint() {
    const size_t id = count_.load(std::memory_order_relaxed);
    if (id >= kCapacity) throw std::length_error("more than 16,777,216 endpoints in the override table");
    auto& chunk = chunks_[id / kChunkSize];
    if (!chunk) chunk = std::make_unique<health::EndpointForce[]>(kChunkSize);
    count_.store(id + 1, std::memory_order_relaxed);
    return static_cast<EndpointId>(id);
  }

  size_t regionCount() const noexcept { return regionCount_; }
  /// Every endpoint ever added, including those of zones a later view no longer holds.
  size_t endpointCount() const noexcept { return count_.load(std::memory_order_relaxed); }

  // What readers (the view, the answer path) see: const only.
  const RegionAdmin& region(RegionId id) const noexcept { return regions_[id]; }
  const health::EndpointForce& force(EndpointId id) const noexcept { return chunks_[id / kChunkSize][id % kChunkSize]; }
  // What the writer reaches through its non-const handle.
  RegionAdmin& region(RegionId id) noexcept { return regions_[id]; }
  health::EndpointForce& force(EndpointId id) noexcept { return chunks_[id / kChunkSize][id % kChunkSize]; }

 private:
  std::unique_ptr<RegionAdmin[]> regions_;
  size_t regionCount_ = 0;
  std::array<std::unique_ptr<health::EndpointForce[]>, kChunks> chunks_;  // 32 KiB, filled as needed
  std::atomic<size_t> count_{0};
};

}  // namespace lodestar::zones
