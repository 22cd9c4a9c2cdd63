// /metrics, /readyz and /api/v1/status: what the HTTP listener serves, made from the same
// snapshots `lodestarctl stats` and `status` print (docs/control-protocol.md), so the page,
// the metrics and the admin tool never disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/region_watch.hpp"

namespace lodestar::server {

struct MetricsInputs {
  const nlohmann::json& stats;   // the stats command's result
  const nlohmann::json& status;  // the status command's result
  uint64_t generation = 0;       // of the view served (1 at start, +1 per reload applied)
  std::string version;
  uint64_t httpAnswered[6] = {};  // HTTP requests answered, by status class (1..5)
  uint64_t logLinesDropped = 0;
  std::vector<RegionWatch::Row> recordRegions{};  // each steered record's regions, up or down
};

/// The Prometheus text exposition of every counter and state (docs/metrics.md).
std::string metricsText(const MetricsInputs& in);

struct Readiness {
  bool ready = false;
  std::string why;  // what it waits for, or "ready"
};

/// Ready once every endpoint with a check has had its first probe, and, clustered, once etcd
/// was reached (a node that loses etcd later keeps serving and stays ready).
Readiness readiness(const nlohmann::json& status);

}  // namespace lodestar::server
