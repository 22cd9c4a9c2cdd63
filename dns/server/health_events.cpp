// Health state changes as the log and the hooks see them.
#include "dns/server/health_events.hpp"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "dns/server/log.hpp"

namespace lodestar::server {

void logHealthChange(const health::StateChange& c) {
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.1f", c.result.latency.count() / 1000.0);
  logLine(c.to == health::Observed::Up ? LogLevel::Info : LogLevel::Warning,
          "health: endpoint=" + c.address + " " + health::observedName(c.from) + " -> " +
              health::observedName(c.to) + " reason=\"" + c.result.reason + "\" latency_ms=" + latency +
              " check=" + c.check + " (" + c.where + ")");
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
                        {"latency_ms", c.result.latency.count() / 1000.0}}
      .dump();
}

}  // namespace lodestar::server
