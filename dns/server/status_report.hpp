// `lodestarctl status`: by region, then each endpoint once (however many zones use it), with
// health, the override that applies and where it comes from, and whether it serves; the
// zones and records that use it on request (`detail`).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/admin_state.hpp"
#include "dns/server/availability.hpp"
#include "dns/server/cluster_node.hpp"
#include "health/scheduler.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

struct StatusInputs {
  const zones::View& view;
  const AdminState& admin;
  const std::vector<health::Scheduler::Status>& probes;
  const Availability& availability;
  const std::vector<std::string>& droppedOverrides;
  int64_t now;
  bool detail;  // list the zones and records using each endpoint
  const ClusterNode* cluster = nullptr;  // clustered: each node's view of each endpoint
  const AdminState* local = nullptr;     // clustered: the overrides of this node only (--local)
  bool clusterNodes = false;             // clustered: also list the cluster's nodes
};

/// The `status` command's result (docs/control-protocol.md): a plain snapshot of its inputs.
nlohmann::json statusReport(const StatusInputs& in);

}  // namespace lodestar::server
