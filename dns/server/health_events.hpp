// How a health state change is told: one log line, and the JSON event hooks receive.
#pragma once

#include <memory>
#include <string>

#include "health/scheduler.hpp"

namespace lodestar::server {

/// One structured line per state change: what, where, from -> to, why, how fast.
/// `clusterDecides`: the endpoint is shared in a cluster, so this is only this node's view
/// (the line says so; the decision has its own line and event).
void logHealthChange(const health::StateChange& c, bool clusterDecides = false);
/// {"event":"health", time, endpoint, where, check, from, to, reason, latency_ms,
/// "decided_by":"local"}: a change this node's probes decide alone.
std::string healthEventJson(const health::StateChange& c);

/// A shared endpoint's combined decision changed (ClusterNode::decide()): what the node now
/// answers on, beside what its own probes see.
struct ClusterDecision {
  std::shared_ptr<const health::CheckSpec> check;
  std::string address;
  std::string where;  // "region eu-west, pool web" as the probe targets say it
  health::Observed from, to;
  health::Observed local;  // this node's own view
  bool ownProbesOnly = false;  // etcd unreachable past the grace period: the local view decides
  std::string reason;          // "quorum of 3 node(s): 2 down, 0 in doubt, 1 up"
};
/// {"event":"health", time, endpoint, where, check, from, to, reason, "decided_by":"cluster"
/// (or "local" when etcd has been unreachable past the grace period), local, node}.
std::string clusterDecisionEventJson(const ClusterDecision& d, const std::string& node);

}  // namespace lodestar::server
