// The steering map for the status page: for every steered record, each group of clients its
// policy tells apart ("clients of DE, EU", "every client", "clients nearest: ...") and the
// regions that answer them now, under the overrides in force and health as it is.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/admin_rules.hpp"
#include "dns/server/admin_state.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

/// [{record, groups: [{clients, regions, fail_open, spill}]}], records in the view's order.
/// `groups`: clientGroups(view), made once per view by the caller.
nlohmann::json steeringMap(const zones::View& view, const std::vector<ClientGroup>& groups, const AdminState& state,
                           int64_t now);

}  // namespace lodestar::server
