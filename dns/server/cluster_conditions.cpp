// Cluster conditions from the summary, told on change.
#include "dns/server/cluster_conditions.hpp"

#include <string>

namespace lodestar::server {

namespace {

constexpr const char* kNames[] = {"degraded", "config_mismatch", "isolated"};

std::string textAt(const nlohmann::json& s, const char* key) {
  const auto it = s.find(key);
  return it != s.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isOn(size_t which, const nlohmann::json& s) {
  switch (which) {
    case 0: return s.contains("degraded_since");
    case 1: return s.contains("config_mismatch");
    default: {
      const auto it = s.find("isolated");
      return it != s.end() && it->is_boolean() && it->get<bool>();
    }
  }
}

}  // namespace

void ClusterConditions::observe(const nlohmann::json& summary, int64_t now) {
  if (!summary.is_object()) return;
  for (size_t i = 0; i < conditions_.size(); ++i) {
    Condition& c = conditions_[i];
    const bool on = isOn(i, summary);
    if (!seen_) {
      c.on = c.told = on;
      continue;
    }
    if (on != c.on) {
      c.on = on;
      ++c.changes;
    }
    c.budget.refill(now);
    if (c.on != c.told && c.budget.canTell()) tell(i, summary, now);
  }
  seen_ = true;
}

void ClusterConditions::tell(size_t which, const nlohmann::json& summary, int64_t now) {
  Condition& c = conditions_[which];
  c.budget.spend();
  c.told = c.on;
  const uint64_t notTold = c.changes ? c.changes - 1 : 0;
  c.changes = 0;
  if (!events_) return;
  const char* from = c.on ? "ok" : kNames[which];
  const char* to = c.on ? kNames[which] : "ok";
  nlohmann::json event = {{"event", "cluster"}, {"time", now}, {"condition", kNames[which]},
                          {"node", textAt(summary, "node")}, {"from", from}, {"to", to},
                          {"changes_not_told", notTold}};
  // The summary's own account, when it has one.
  if (which == 0 && c.on) event["because"] = textAt(summary, "degraded_because");
  if (which == 1 && c.on) event["because"] = textAt(summary, "config_mismatch");
  if (which == 2 && summary.contains("isolated_endpoints")) event["endpoints"] = summary["isolated_endpoints"];
  events_({event.dump(), textAt(summary, "node"), from, to});
}

}  // namespace lodestar::server
