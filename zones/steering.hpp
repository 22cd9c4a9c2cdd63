// Steered records as the engine reads them: regions and pools as dense ids, each policy
// compiled to a decision tree whose leaves index precomputed region orders.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "geo/address.hpp"
#include "geo/decision_tree.hpp"

namespace lodestar::zones {

using RegionId = uint16_t;

/// A place where services run; the unit of failover. Names are global across zones.
struct Region {
  std::string name;
  bool hasLocation = false;
  double latitude = 0;
  double longitude = 0;
};

/// One region's endpoints in a pool, split by family so A and AAAA answers are direct copies.
struct PoolMembers {
  std::vector<geo::Address> ipv4;
  std::vector<geo::Address> ipv6;
  bool empty() const noexcept { return ipv4.empty() && ipv6.empty(); }
};

/// A named set of endpoints per region, shared by the steered records that name it.
struct Pool {
  std::string name;
  std::vector<PoolMembers> byRegion;  // indexed by RegionId; empty where the pool has none
  std::vector<RegionId> regions;      // the regions it has, in the order the file lists them
  const PoolMembers* members(RegionId r) const noexcept {
    return r < byRegion.size() && !byRegion[r].empty() ? &byRegion[r] : nullptr;
  }
};

enum class PolicyKind : uint8_t { Geo, Nearest };

const char* policyName(PolicyKind kind) noexcept;

/// A steered owner name: which policy orders the regions, and what it answers with.
struct SteeredRecord {
  std::string name;  // presentation form, for logs and explain
  PolicyKind policy = PolicyKind::Geo;
  uint32_t ttl = 30;
  const Pool* pool = nullptr;
  /// Client address → decision; shared by every record with the same policy and map.
  std::shared_ptr<const geo::DecisionTree> tree;
  /// decision → regions in preference order (only regions where the pool has endpoints).
  std::shared_ptr<const std::vector<std::vector<RegionId>>> orders;
};

}  // namespace lodestar::zones
