// The steering map for the status page: for every steered record, each group of clients its
// policy tells apart ("clients of DE, EU", "every client", "clients nearest: ...") and the
// regions that answer them now, under the overrides in force and health as it is; and the
// same per country of the page's world view (dns/server/world_points.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/admin_rules.hpp"
#include "dns/server/admin_state.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

/// [{record, policy, groups: [{clients, regions, fail_open, spill}], world}], records in the
/// view's order. `groups`: clientGroups(view), made once per view by the caller.
/// `world`: {rules: [{keys, regions, fail_open, spill}], default, continents: {EU: i},
/// countries: {DE: i}}, the rule (an index into `rules`) each country of the world view is
/// answered by: its entry in `countries`, else its continent's in `continents`, else
/// `default` (what the page resolves; countries and continents that add nothing are left out).
/// A country stands for the clients the geo database places in it without a subdivision or a
/// network key of their own (those are in `groups` only); nearest ranks by the country's point.
nlohmann::json steeringMap(const zones::View& view, const std::vector<ClientGroup>& groups, const AdminState& state,
                           int64_t now);

}  // namespace lodestar::server
