// Steered records as the engine reads them: regions and pools as dense ids, each policy
// compiled to a decision tree whose leaves index precomputed region orders, and every
// endpoint holding the health cell the probes write.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/wire/address.hpp"
#include "geo/area_map.hpp"
#include "geo/decision_tree.hpp"
#include "health/state/check_spec.hpp"
#include "health/state/health_cell.hpp"

namespace lodestar::zones {

using RegionId = uint16_t;

/// A place where services run; the unit of failover. Names are global across zones.
struct Region {
  std::string name;
  bool hasLocation = false;
  double latitude = 0;
  double longitude = 0;
};

/// The operator's switch on a region, shared by every pool of a view (the control thread
/// writes it; workers read it per query).
struct RegionAdmin {
  std::atomic<bool> drained{false};
};

/// An endpoint's index in its view's AdminCells (where its forced state is written).
using EndpointId = uint32_t;
inline constexpr EndpointId kNoEndpoint = UINT32_MAX;  // built by hand, outside a loader: never forced

/// One address of a pool in one region: the unit of health.
struct Endpoint {
  wire::Address address;
  uint32_t weight = 1;  // for the weighted policy's choice inside a region
  std::shared_ptr<health::HealthCell> cell;  // shared by every endpoint of (check, address)
  /// This endpoint's own override, in the view's AdminCells (written by applyAdminState
  /// through the table, never through the view).
  const health::EndpointForce* force = &health::kNotForced;
  EndpointId id = kNoEndpoint;  // that override's index, for the writer
  health::Health health() const noexcept { return health::read(*force, *cell); }
  bool up() const noexcept { return health().up; }
};

/// One region's endpoints in a pool, split by family so A and AAAA answers are direct copies;
/// or, for a CNAME pool, the name this region's clients are sent to (the target counts as the
/// region's one endpoint: it has a cell, a force and an id of its own).
struct PoolMembers {
  std::vector<Endpoint> ipv4;
  std::vector<Endpoint> ipv6;
  std::string cname;  // uncompressed wire form; empty for an address region
  std::shared_ptr<health::HealthCell> cnameCell;
  const health::EndpointForce* cnameForce = &health::kNotForced;  // in the view's AdminCells
  EndpointId cnameId = kNoEndpoint;
  const RegionAdmin* admin = nullptr;  // the region's drain switch, in the view's AdminCells
  RegionId region = 0;
  uint32_t capacity = 1;   // relative size, for spill-over and weighted choices
  bool endpointWeights = false;  // some endpoint has a weight other than 1
  bool empty() const noexcept { return ipv4.empty() && ipv6.empty() && cname.empty(); }
  bool drained() const noexcept { return admin && admin->drained.load(std::memory_order_relaxed); }
  const std::vector<Endpoint>& family(bool ipv6Wanted) const noexcept { return ipv6Wanted ? ipv6 : ipv4; }
  /// A CNAME region's target, as the answer path reads it.
  health::Health cnameHealth() const noexcept { return health::read(*cnameForce, *cnameCell); }
};

/// The answer path looks at a pool's regions from a fixed-size array on its stack.
inline constexpr size_t kMaxPoolRegions = 64;

/// A named set of endpoints per region, shared by the steered records that name it.
struct Pool {
  std::string name;
  std::shared_ptr<const health::CheckSpec> check;  // null: not probed (always up unless forced)
  std::vector<PoolMembers> byRegion;  // indexed by RegionId; empty where the pool has none
  std::vector<RegionId> regions;      // the regions it has, in the order the file lists them
  /// Whether some region answers A (false) or AAAA (true) queries at all: with an address
  /// of that family, or with a CNAME. When none does, every client gets NODATA and the
  /// answer path skips the client's location.
  std::array<bool, 2> answersFamily{};
  const PoolMembers* members(RegionId r) const noexcept {
    return r < byRegion.size() && !byRegion[r].empty() ? &byRegion[r] : nullptr;
  }
};

enum class PolicyKind : uint8_t { Geo, Nearest, Failover, Weighted, All };
const char* policyName(PolicyKind kind) noexcept;

/// When no region has enough healthy endpoints.
enum class AllDown : uint8_t { FailOpen, NoData };

/// A steered owner name: which policy orders the regions, and what it answers with.
struct SteeredRecord {
  std::string name;  // presentation form, for logs and explain
  PolicyKind policy = PolicyKind::Geo;
  uint32_t ttl = 30;
  uint32_t ttlDegraded = 30;  // while the chosen region has an endpoint down or in doubt
  const Pool* pool = nullptr;
  uint32_t minHealthy = 1;    // a region counts as up with at least this many endpoints up
  AllDown allDown = AllDown::FailOpen;
  uint8_t maxRegions = 1;     // geo / nearest / failover: answer from the first N usable regions
  uint8_t spill = 0;          // geo / nearest: spread a down region's clients over the next N
  uint16_t maxAnswers = 8;    // all: at most this many addresses per answer
  std::vector<uint32_t> regionWeights;  // weighted: by RegionId (0 = not chosen)
  /// Client address → decision; shared by every record with the same policy and map.
  std::shared_ptr<const geo::DecisionTree> tree;
  /// decision → regions in preference order (only regions where the pool has endpoints).
  std::shared_ptr<const std::vector<std::vector<RegionId>>> orders;
  /// The map as written, kept for `lodestarctl explain` (never read on the answer path).
  std::shared_ptr<const geo::AreaMap> areas;
  std::vector<geo::CustomNetwork> customNetworks;
  /// Where the workers count this record's answers: slot statsBlock + RegionId of the region
  /// chosen first (engine::QueryStats::bySteered). Set by View::setRegions(); past the slots
  /// (kNoStatsBlock, and outside a view) every answer counts in the last, shared slot.
  uint32_t statsBlock = kNoStatsBlock;
  static constexpr uint32_t kNoStatsBlock = UINT16_MAX;
};

}  // namespace lodestar::zones
