// The operator's switches one view's answers read (a drain switch per region, a forced state
// per endpoint), allocated and owned apart from the view: the view holds only const pointers
// into this table, and only the holder of the writable handle (the control loop, given it by
// the loader beside the view) writes them. So a published view is never written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>

#include "health/state/health_cell.hpp"
#include "zones/steered_record.hpp"

namespace lodestar::zones {

class AdminCells {
 public:
  /// Called once, when the view's regions are known (one slot more: the overflow id).
  void setRegionCount(size_t count) {
    regions_ = std::make_unique<RegionAdmin[]>(count);
    regionCount_ = count;
  }
  /// A new endpoint's override (an address of one pool in one region, or a CNAME region's
  /// target), while loading. Its address never changes: the endpoint keeps a const pointer to it.
  EndpointId addEndpoint() {
    forces_.emplace_back();
    return static_cast<EndpointId>(forces_.size() - 1);
  }

  size_t regionCount() const noexcept { return regionCount_; }
  size_t endpointCount() const noexcept { return forces_.size(); }

  // What readers (the view, the answer path) see: const only.
  const RegionAdmin& region(RegionId id) const noexcept { return regions_[id]; }
  const health::EndpointForce& force(EndpointId id) const noexcept { return forces_[id]; }
  // What the writer reaches through its non-const handle.
  RegionAdmin& region(RegionId id) noexcept { return regions_[id]; }
  health::EndpointForce& force(EndpointId id) noexcept { return forces_[id]; }

 private:
  std::unique_ptr<RegionAdmin[]> regions_;
  size_t regionCount_ = 0;
  std::deque<health::EndpointForce> forces_;  // a deque: growing never moves one
};

}  // namespace lodestar::zones
