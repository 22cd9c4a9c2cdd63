// What a steering policy's decision tree is compiled from: the key under which identical policies of a view share one tree.
#pragma once

#include <compare>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "zones/steered_record.hpp"

namespace lodestar::zones {

/// A geo / nearest map key as the file writes it ("US-CA", "EU", "192.0.2.0/24") and the
/// regions its clients get, in preference order.
struct MapEntry {
  std::string key;
  std::vector<RegionId> order;
  friend auto operator<=>(const MapEntry&, const MapEntry&) = default;
};

/// A region's position, as the nearest policy measures distances to it.
struct Coordinates {
  double latitude = 0;
  double longitude = 0;
  friend auto operator<=>(const Coordinates&, const Coordinates&) = default;
};

/// Everything `compilePolicy` builds a tree and its region orders from (besides the view's
/// one geo database): equal keys compile to equal trees, so records with equal keys share
/// one. The comparisons are defaulted, so every member is part of the key; what a record
/// reads per answer (ttl, min_healthy, max_regions, spill, weights, ...) is not here, and
/// tests/unit/zones/policy_key_test.cpp counts SteeredRecord's fields so that a new one
/// has to be sorted into one or the other.
struct PolicyKey {
  PolicyKind kind = PolicyKind::Failover;
  /// Decision 0: the map's default, failover's order, or every region of the pool.
  std::vector<RegionId> fallback;
  /// geo / nearest: the pool's regions in file order (the candidates nearest ranks by
  /// distance). Empty for the policies where the client's location plays no part.
  std::vector<RegionId> poolRegions;
  /// nearest: the position of each of poolRegions, in the same order.
  std::vector<Coordinates> coordinates;
  /// geo / nearest: the map's keys other than default, in file order (decisions are
  /// numbered in this order).
  std::vector<MapEntry> map;

  friend auto operator<=>(const PolicyKey&, const PolicyKey&) = default;
};

/// What a PolicyKey compiles to: shared by every record with that key, in one view and in the
/// views after it that keep the same regions and database.
struct CompiledTrees {
  std::shared_ptr<const geo::DecisionTree> tree;
  std::shared_ptr<const std::vector<std::vector<RegionId>>> orders;
  std::shared_ptr<const std::set<std::string>> matchedAreas;  // the area keys some network matched
  std::shared_ptr<const geo::AreaMap> areas;                   // geo / nearest: the map, read once
  std::vector<geo::CustomNetwork> customNetworks;
};
using PolicyCache = std::map<PolicyKey, CompiledTrees>;

}  // namespace lodestar::zones
