// The node report's reader and writer.
#include "dns/server/node_report.hpp"

#include <nlohmann/json.hpp>

#include "dns/control/json_fields.hpp"
#include "health/scheduler.hpp"

namespace lodestar::server {

nlohmann::json localOverridesJson(const LocalOverrides& o) {
  nlohmann::json drained = nlohmann::json::object(), forced = nlohmann::json::object();
  for (const auto& [region, e] : o.drained) drained[region] = {{"since", e.since}, {"reason", e.reason}};
  for (const auto& [target, e] : o.forced) forced[target] = {{"state", e.state}, {"since", e.since}, {"reason", e.reason}};
  return {{"drained", drained}, {"forced", forced}};
}

std::string NodeReport::text() const {
  nlohmann::json eps = nlohmann::json::object();
  for (const auto& [key, e] : endpoints)
    eps[key] = {{"state", health::observedName(e.state)}, {"since", e.since}, {"reason", e.reason}};
  nlohmann::json report = {{"version", version},       {"node", node},       {"instance", instance},
                           {"software", software},     {"config_hash", configHash},
                           {"started", started},       {"seen", seen},       {"applied", applied},
                           {"endpoints", eps}};
  if (!localOverrides.empty()) report["local_overrides"] = localOverridesJson(localOverrides);
  return report.dump();
}

namespace {

// "local_overrides" by type: a wrong one refuses the report, as any other field's would.
void readLocalOverrides(control::JsonFields& f, LocalOverrides& out) {
  const auto* o = f.object("local_overrides");
  if (!o) return;
  control::JsonFields lo(*o, "local_overrides");
  for (const char* kind : {"drained", "forced"}) {
    const auto* entries = lo.object(kind);
    if (!entries) continue;
    for (const auto& [target, v] : entries->items()) {
      control::JsonFields e(v, std::string("local_overrides.") + kind + "." + target);
      LocalOverrides::Entry entry;
      e.text("state", entry.state).integer("since", entry.since, true).text("reason", entry.reason);
      if (e.ok() && kind[0] == 'f' && entry.state != "up" && entry.state != "down")
        e.fail(std::string("local_overrides.forced.") + target + ".state: \"" + entry.state + "\" is not up or down");
      if (!e.ok()) return f.fail(e.error());
      (kind[0] == 'd' ? out.drained : out.forced)[target] = std::move(entry);
    }
  }
  if (!lo.ok()) f.fail(lo.error());
}

}  // namespace

std::optional<NodeReport> parseNodeReport(std::string_view text, const std::string& keyNode, std::string& error,
                                          bool* newer) {
  auto j = control::parseObject(text, error);
  NodeReport r;
  if (!j || !j->contains("version") || !(*j)["version"].is_number_integer()) {
    error = "not a node report";
    return std::nullopt;
  }
  control::JsonFields f(*j);
  f.integer("version", r.version, true);
  if (r.version > kNodeReportVersion) {
    error = "a report of a newer version (" + std::to_string(r.version) + ")";
    if (newer) *newer = true;
    return std::nullopt;
  }
  f.text("instance", r.instance)
      .text("software", r.software)
      .text("config_hash", r.configHash)
      .integer("started", r.started)
      .integer("seen", r.seen)
      .integer("applied", r.applied)
      .text("node", r.node, true);
  if (f.ok() && r.node != keyNode)
    f.fail("node: the report names \"" + r.node + "\", not the node of its key (" + keyNode + ")");
  if (const auto* eps = f.object("endpoints"))
    for (const auto& [key, v] : eps->items()) {
      control::JsonFields e(v, "endpoints." + key);
      std::string state;
      EndpointSighting s;
      e.text("state", state, true).integer("since", s.since).text("reason", s.reason);
      if (e.ok()) {
        if (auto o = health::parseObserved(state)) s.state = *o;
        else e.fail("endpoints." + key + ".state: \"" + state + "\" is not up, in-doubt or down");
      }
      if (!e.ok()) {
        f.fail(e.error());
        break;
      }
      r.endpoints.emplace(key, std::move(s));
    }
  if (f.ok()) readLocalOverrides(f, r.localOverrides);
  if (!f.ok()) {
    error = f.error();
    return std::nullopt;
  }
  return r;
}

}  // namespace lodestar::server
