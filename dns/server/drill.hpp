// The failover drill (lodestarctl drill REGION --for D): what losing a region does to every
// area's clients, predicted by the answer path's own region choice over a sample of addresses
// from each area of the geo database, then checked by asking the answer path itself once the
// region is down. The drain is a maintenance window (admin_control): its end lives with the
// overrides (the state file; clustered, etcd), so the region comes back on time whatever
// happens to the tool, to the daemon, or to the node that started the drill.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/admin_state.hpp"
#include "dns/wire/address.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

/// A sampled client whose answers the drill moves: asked again once the region is down.
struct DrillProbe {
  std::string record;  // the steered name, presentation form
  uint16_t type = 1;   // A, or AAAA for a pool with IPv6 endpoints only
  wire::Address client;
  std::string area;
  std::vector<std::string> expected;  // the regions predicted while the region is down
};

/// The moved samples asked again once the region is down: one per area and record, this many
/// at most (each is one answer on the control thread, every few milliseconds until they moved).
inline constexpr size_t kMostProbes = 8;

struct DrillPlan {
  nlohmann::json report;  // areas, where their answers go, which regions take them, the TTL
  std::vector<DrillProbe> probes;
};

/// The prediction for draining `region`: every area of the view's geo database sampled with
/// up to `perArea` addresses, each asked for every steered record whose policy places clients
/// (geo, nearest), under the overrides in effect (`before`) and with the region drained.
DrillPlan planDrill(const zones::View& view, const AdminState& before, int64_t now, const std::string& region,
                    size_t perArea);

/// Asks the answer path (as a worker answers, the probe's address as the ECS subnet) what
/// each probe gets now: those answered as predicted (moved off the region, or failing open
/// as predicted), and each answer.
struct ProbeCheck {
  size_t moved = 0;
  nlohmann::json answers = nlohmann::json::array();  // {record, area, client, regions, expected, as_predicted}
};
ProbeCheck askProbes(const zones::View& view, const std::vector<DrillProbe>& probes);

}  // namespace lodestar::server
