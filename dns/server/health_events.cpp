// Health state changes as the log and the hooks see them.
#include "dns/server/health_events.hpp"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "dns/server/log.hpp"

namespace lodestar::server {

void logHealthChange(const health::StateChange& c, bool clusterDecides) {
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.1f", c.result.latency.count() / 1000.0);
  logLine(c.to == health::Observed::Up ? LogLevel::Info : LogLevel::Warning,
          "health: endpoint=" + c.address + " " + health::observedName(c.from) + " -> " +
              health::observedName(c.to) + " reason=\"" + c.result.reason + "\" latency_ms=" + latency +
              " check=" + c.check + " (" + c.where + ")" +
              (clusterDecides ? " (this node's view; the cluster decides)" : ""));
}

std::string healthEventJson(const health::StateChange& c) {
  return nlohmann::json{{"event", "health"},
                        {"time", std::time(nullptr)},
                        {"endpoint", c.address},
                        {"where", c.where},
                        {"check", c.check},
                        {"from", health::observedName(c.from)},
                        {"to", health::observedName(c.to)},
                        {"reason", c.result.reason},
                        {"latency_ms", c.result.latency.count() / 1000.0},
                        {"decided_by", "local"}}
      .dump();
}

std::string clusterDecisionEventJson(const ClusterDecision& d, const std::string& node) {
  return nlohmann::json{{"event", "health"},
                        {"time", std::time(nullptr)},
                        {"endpoint", d.address},
                        {"where", d.where},
                        {"check", d.check ? d.check->name : std::string()},
                        {"from", health::observedName(d.from)},
                        {"to", health::observedName(d.to)},
                        {"reason", d.reason},
                        {"decided_by", d.ownProbesOnly ? "local" : "cluster"},
                        {"local", health::observedName(d.local)},
                        {"node", node}}
      .dump();
}

}  // namespace lodestar::server
