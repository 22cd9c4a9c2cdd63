// Judged with the safety rule's own code (admin_rules: outcomeOf over WhatIfHealth), so the
// page shows what the answers do and what a drain would be checked against.
#include "dns/server/steering_map.hpp"

namespace lodestar::server {

nlohmann::json steeringMap(const zones::View& view, const std::vector<ClientGroup>& groups, const AdminState& state,
                           int64_t now) {
  const WhatIfHealth health(view, state, now);
  nlohmann::json records = nlohmann::json::array();
  const zones::SteeredRecord* current = nullptr;
  for (const auto& g : groups) {
    if (g.record != current) {
      current = g.record;
      records.push_back({{"record", g.record->name}, {"groups", nlohmann::json::array()}});
    }
    const Outcome o = outcomeOf(g, view, health);
    records.back()["groups"].push_back({{"clients", g.label}, {"regions", o.regions}, {"fail_open", o.failOpen}, {"spill", o.spill}});
  }
  return records;
}

}  // namespace lodestar::server
