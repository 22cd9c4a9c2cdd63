// Steering policies compiled to query-ready form: a decision tree over client addresses whose leaves index region orders.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "geo/area_map.hpp"
#include "geo/decision_tree.hpp"
#include "zones/load_context.hpp"
#include "zones/policy_key.hpp"
#include "zones/steered_record.hpp"

namespace lodestar::zones {

struct CompiledPolicy {
  /// Shared by every record of the view with an equal key.
  std::shared_ptr<const geo::DecisionTree> tree;
  std::shared_ptr<const std::vector<std::vector<RegionId>>> orders;
  /// geo / nearest: the map as written, for `lodestarctl explain` (shared by equal keys).
  std::shared_ptr<const geo::AreaMap> areas;
  std::vector<geo::CustomNetwork> customNetworks;
  /// The first record of this load with this policy (compiled now, or by a load before);
  /// false when an equal policy came earlier in the load (its mistakes were told then).
  bool fresh = false;
  /// The area keys some network of the geo database matched.
  std::shared_ptr<const std::set<std::string>> matchedAreas;
};

/// Compiles `key` against the view's geo database, or takes the tree of the equal key
/// compiled before (the cache is in `ctx`). Reads nothing but the key and the database, so
/// the key is all a tree depends on. The map's keys must be valid (the reader checked
/// them). Returns false with `error` set when the tree cannot be built.
bool compilePolicy(const PolicyKey& key, LoadContext& ctx, CompiledPolicy& out, std::string& error);

/// nearest: `regions` by distance from a point, nearest first (`positions[i]` is where
/// `regions[i]` is). Ties keep the given order, so an answer never depends on the sort.
/// The compiler ranks a located client with it; the status page's world view a country.
std::vector<RegionId> nearestOrder(double latitude, double longitude, const std::vector<RegionId>& regions,
                                   const std::vector<Coordinates>& positions);

}  // namespace lodestar::zones
