// Judged with the safety rule's own code (admin_rules: outcomeOf over WhatIfHealth), so the
// page shows what the answers do and what a drain would be checked against.
#include "dns/server/steering_map.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "dns/server/world_points.hpp"
#include "zones/policy_compiler.hpp"

namespace lodestar::server {

namespace {

nlohmann::json outcomeJson(const std::string& keys, const Outcome& o) {
  return {{"keys", keys}, {"regions", o.regions}, {"fail_open", o.failOpen}, {"spill", o.spill}};
}

// The world view of one record: the rule each country's clients fall under, found with the
// record's own area map (the compiler's classification for a client with these facts).
class WorldRules {
 public:
  WorldRules(const zones::View& view, const zones::SteeredRecord& rec, const WhatIfHealth& health)
      : view_(view), rec_(rec), health_(health) {}

  nlohmann::json build() {
    nlohmann::json world = {{"rules", nlohmann::json::array()},
                            {"continents", nlohmann::json::object()},
                            {"countries", nlohmann::json::object()}};
    const bool located = (rec_.policy == zones::PolicyKind::Geo || rec_.policy == zones::PolicyKind::Nearest) &&
                         rec_.areas != nullptr;
    const int fallback = ruleOf(located ? rec_.areas->match({}).value : 0);
    world["default"] = fallback;
    if (located) {
      std::map<std::string, int> continents;
      for (const auto& p : worldPoints()) {
        if (!p.primary) continue;
        const std::string continent = p.continent;
        if (!continents.count(continent)) {
          geo::GeoFacts facts;
          facts.continent = continent;
          const auto m = rec_.areas->match(facts);
          continents[continent] = m.key == "default" ? fallback : ruleOf(m.value);
          if (continents[continent] != fallback) world["continents"][continent] = continents[continent];
        }
        const int rule = countryRule(p);
        if (rule != continents[continent]) world["countries"][p.country] = rule;
      }
    }
    world["rules"] = std::move(rules_);
    return world;
  }

 private:
  int countryRule(const WorldPoint& p) {
    geo::GeoFacts facts;
    facts.continent = p.continent;
    facts.country = p.country;
    facts.hasLocation = true;
    facts.latitude = p.latitude;
    facts.longitude = p.longitude;
    const auto m = rec_.areas->match(facts);
    if (rec_.policy != zones::PolicyKind::Nearest || m.key != "default") return ruleOf(m.value);
    // nearest, no key: the pool's regions by distance, as the policy compiler ranks a
    // located client.
    std::vector<zones::Coordinates> positions;
    for (zones::RegionId r : rec_.pool->regions)
      positions.push_back({view_.regions()[r].latitude, view_.regions()[r].longitude});
    const std::vector<zones::RegionId> order =
        zones::nearestOrder(p.latitude, p.longitude, rec_.pool->regions, positions);
    const auto& orders = *rec_.orders;
    const auto it = std::find(orders.begin(), orders.end(), order);
    if (it != orders.end()) return ruleOf(uint32_t(it - orders.begin()));
    return ruleOfOrder(order);
  }

  // The rule of one of the record's decisions, judged once.
  int ruleOf(uint32_t decision) {
    if (auto it = byDecision_.find(decision); it != byDecision_.end()) return it->second;
    const ClientGroup group{&rec_, decision, ""};
    const bool everyone = rec_.policy != zones::PolicyKind::Geo && rec_.policy != zones::PolicyKind::Nearest;
    rules_.push_back(outcomeJson(everyone ? "every client" : decisionKeys(view_, rec_, decision),
                                 outcomeOf(group, view_, health_)));
    return byDecision_[decision] = int(rules_.size() - 1);
  }

  // A distance order no client of the geo database has (so no decision of the record): judged
  // on a copy of the record with that order added, by the same code.
  int ruleOfOrder(const std::vector<zones::RegionId>& order) {
    if (auto it = byOrder_.find(order); it != byOrder_.end()) return it->second;
    zones::SteeredRecord copy = rec_;
    auto orders = std::make_shared<std::vector<std::vector<zones::RegionId>>>(*rec_.orders);
    orders->push_back(order);
    copy.orders = orders;
    const ClientGroup group{&copy, uint32_t(orders->size() - 1), ""};
    std::string keys;
    for (zones::RegionId r : order) keys += (keys.empty() ? "" : ", ") + view_.regions()[r].name;
    rules_.push_back(outcomeJson("nearest: " + keys, outcomeOf(group, view_, health_)));
    return byOrder_[order] = int(rules_.size() - 1);
  }

  const zones::View& view_;
  const zones::SteeredRecord& rec_;
  const WhatIfHealth& health_;
  nlohmann::json rules_ = nlohmann::json::array();
  std::map<uint32_t, int> byDecision_;
  std::map<std::vector<zones::RegionId>, int> byOrder_;
};

}  // namespace

nlohmann::json steeringMap(const zones::View& view, const std::vector<ClientGroup>& groups, const AdminState& state,
                           int64_t now) {
  const WhatIfHealth health(view, state, now);
  nlohmann::json records = nlohmann::json::array();
  const zones::SteeredRecord* current = nullptr;
  for (const auto& g : groups) {
    if (g.record != current) {
      current = g.record;
      records.push_back({{"record", g.record->name},
                         {"policy", zones::policyName(g.record->policy)},
                         {"groups", nlohmann::json::array()},
                         {"world", WorldRules(view, *g.record, health).build()}});
    }
    const Outcome o = outcomeOf(g, view, health);
    records.back()["groups"].push_back({{"clients", g.label}, {"regions", o.regions}, {"fail_open", o.failOpen}, {"spill", o.spill}});
  }
  return records;
}

}  // namespace lodestar::server
