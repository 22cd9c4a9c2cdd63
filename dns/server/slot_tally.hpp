// Counts per name, carried across reloads: the workers count by slot (a RegionId, a zone's
// or a steered record's place in the view), and a reload may give every slot another name.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "dns/engine/stats.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

/// The names the last slots are reported under: each counts everything past the others, so
/// it is never one region's, zone's or record's count.
inline constexpr const char* kOtherRegions = "other regions";
inline constexpr const char* kOtherZones = "other zones";
inline constexpr const char* kOtherRecords = "other records";

/// Remapped at each reload rather than reset: a name that stays keeps counting (metrics need
/// counters that only grow), and one whose slot moved does not inherit another's.
class SlotTally {
 public:
  explicit SlotTally(std::string overflow) : overflow_(std::move(overflow)) {}

  /// Called right after a new view is published: what was counted since the previous call
  /// is credited to `names`, the slots' names in the view it was counted under (the old one).
  void rebase(std::span<const uint64_t> now, const std::vector<std::string>& names);

  /// Per name: what earlier views counted plus what was counted since the last rebase under
  /// `names` (the live view's); the last slot under the overflow name. A slot with no name
  /// (empty) counts under the overflow name too.
  std::map<std::string, uint64_t> byName(std::span<const uint64_t> now, const std::vector<std::string>& names) const;

 private:
  void credit(std::span<const uint64_t> now, const std::vector<std::string>& names,
              std::map<std::string, uint64_t>& into) const;
  std::string overflow_;
  std::vector<uint64_t> base_;                // the counters at the last rebase
  std::map<std::string, uint64_t> carried_;  // counted under earlier views, by name
};

/// What each slot of the workers' counters stands for in one view.
struct SlotNames {
  std::vector<std::string> regions;  // by RegionId
  std::vector<std::string> zones;    // by Zone::statsSlot(): the apex, absolute
  /// By SteeredRecord::statsBlock + RegionId: steeredKey(record, region); only the regions of
  /// the record's pool are named.
  std::vector<std::string> steered;
};
SlotNames slotNames(const zones::View& view);

/// A steered slot's name: the record and the region, apart again with splitSteeredKey().
std::string steeredKey(const std::string& record, const std::string& region);
std::pair<std::string, std::string> splitSteeredKey(const std::string& key);

/// The three tallies the stats and metrics report, rebased together.
struct Tallies {
  SlotTally regions{kOtherRegions};
  SlotTally zones{kOtherZones};
  SlotTally steered{steeredKey(kOtherRecords, kOtherRegions)};
  void rebase(const engine::StatsTotals& now, const SlotNames& names) {
    regions.rebase(now.byRegion, names.regions);
    zones.rebase(now.byZone, names.zones);
    steered.rebase(now.bySteered, names.steered);
  }
};

}  // namespace lodestar::server
