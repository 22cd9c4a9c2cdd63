// Steered answers per region *name*, carried across reloads: the workers count by RegionId,
// and a reload may give every id another region.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lodestar::server {

/// The workers' per-RegionId counters, summed (engine::StatsTotals::byRegion).
using RegionCounts = std::array<uint64_t, 64>;

/// The name the last slot of RegionCounts is reported under: it counts every RegionId past
/// the others, so it is never one region's count.
inline constexpr const char* kOtherRegions = "other regions";

/// Remapped at each reload rather than reset: a region that keeps its name keeps counting
/// (metrics need counters that only grow), and one whose id moved does not inherit another's.
class RegionTally {
 public:
  /// Called right after a new view is published: what was counted since the previous call
  /// is credited to `names`, the regions of the view it was counted under (the old one).
  void rebase(const RegionCounts& now, const std::vector<std::string>& names);

  /// Per name: what earlier views counted plus what was counted since the last rebase under
  /// `names` (the live view's regions); the overflow slot under kOtherRegions.
  std::map<std::string, uint64_t> byName(const RegionCounts& now, const std::vector<std::string>& names) const;

 private:
  RegionCounts base_{};                     // the counters at the last rebase
  std::map<std::string, uint64_t> carried_;  // counted under earlier views, by name
};

}  // namespace lodestar::server
