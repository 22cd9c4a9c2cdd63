// Policy keys → decision trees and region orders, compiled once per distinct key in a view.
#include "zones/policy_compiler.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

namespace lodestar::zones {

namespace {

using Order = std::vector<RegionId>;

// Region orders numbered in the order they are first seen: the tree's leaves index them.
class Interner {
 public:
  uint32_t intern(const Order& o) {
    auto [it, fresh] = ids_.try_emplace(o, static_cast<uint32_t>(orders_->size()));
    if (fresh) orders_->push_back(o);
    return it->second;
  }
  std::shared_ptr<std::vector<Order>> orders() const { return orders_; }

 private:
  std::map<Order, uint32_t> ids_;
  std::shared_ptr<std::vector<Order>> orders_ = std::make_shared<std::vector<Order>>();
};

bool locationMatters(PolicyKind kind) { return kind == PolicyKind::Geo || kind == PolicyKind::Nearest; }

// nearest: a map key that matches wins; otherwise the pool's regions by great-circle
// distance from the client; without coordinates, the default (decision 0).
uint32_t nearestDecision(const PolicyKey& key, const geo::AreaMap& areas, const geo::GeoFacts& f,
                         std::set<std::string>& matched, Interner& interner) {
  auto m = areas.match(f);
  matched.insert(m.key);
  if (m.key != "default") return m.value;
  if (!f.hasLocation) return 0;
  return interner.intern(nearestOrder(f.latitude, f.longitude, key.poolRegions, key.coordinates));
}

}  // namespace

std::vector<RegionId> nearestOrder(double latitude, double longitude, const std::vector<RegionId>& regions,
                                   const std::vector<Coordinates>& positions) {
  std::vector<std::pair<double, RegionId>> byDistance;
  for (size_t i = 0; i < regions.size() && i < positions.size(); ++i)
    byDistance.push_back({geo::distanceKm(latitude, longitude, positions[i].latitude, positions[i].longitude), regions[i]});
  std::stable_sort(byDistance.begin(), byDistance.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RegionId> order;
  for (const auto& [d, r] : byDistance) order.push_back(r);
  return order;
}

bool compilePolicy(const PolicyKey& key, LoadContext& ctx, CompiledPolicy& out, std::string& error) {
  // Decision 0 is the fallback; the map's orders follow in file order.
  if (key.kind == PolicyKind::Nearest && key.coordinates.size() != key.poolRegions.size()) {
    error = "nearest needs the coordinates of every region of its pool";
    return false;
  }
  if (const auto* hit = ctx.cached(key)) {
    // An equal key: the same map, so the same areas (and the same mistakes, none).
    out.tree = hit->tree;
    out.orders = hit->orders;
    out.matchedAreas = hit->matchedAreas;
    if (locationMatters(key.kind)) {
      out.areas = hit->areas;
      out.customNetworks = hit->customNetworks;
    }
    out.fresh = ctx.firstUse(hit->tree.get());
    return true;
  }
  Interner interner;
  interner.intern(key.fallback);
  auto areas = std::make_shared<geo::AreaMap>();
  std::vector<geo::CustomNetwork> custom;
  for (const MapEntry& entry : key.map) {
    uint32_t decision = interner.intern(entry.order);
    if (entry.key.find('/') == std::string::npos) {
      if (!areas->add(entry.key, decision, error)) return false;
      continue;
    }
    auto net = wire::Prefix::parse(entry.key);
    if (!net) {
      error = "'" + entry.key + "' is not a network";
      return false;
    }
    custom.push_back({*net, decision});
  }
  if (locationMatters(key.kind)) {
    out.areas = areas;
    out.customNetworks = custom;
  }

  std::set<std::string> matched;
  std::function<uint32_t(const geo::GeoFacts&)> classify;
  switch (key.kind) {
    case PolicyKind::Geo:
      classify = [&](const geo::GeoFacts& f) {
        auto m = areas->match(f);
        matched.insert(m.key);
        return m.value;
      };
      break;
    case PolicyKind::Nearest:
      classify = [&](const geo::GeoFacts& f) { return nearestDecision(key, *areas, f, matched, interner); };
      break;
    case PolicyKind::Failover:
    case PolicyKind::Weighted:
    case PolicyKind::All:
      // No client location matters: one decision for everyone, scope 0.
      classify = [](const geo::GeoFacts&) { return 0u; };
      break;
  }
  auto tree = std::make_shared<geo::DecisionTree>();
  if (!geo::compileDecisionTree(locationMatters(key.kind) ? ctx.database() : nullptr, classify, 0, custom, *tree,
                                error))
    return false;
  out.tree = tree;
  out.orders = interner.orders();
  out.fresh = ctx.firstUse(out.tree.get());
  out.matchedAreas = std::make_shared<const std::set<std::string>>(std::move(matched));
  ctx.remember(key, {out.tree, out.orders, out.matchedAreas, out.areas, out.customNetworks});
  return true;
}

}  // namespace lodestar::zones
