// One pass over the view's pools per region, keyed by health cell: an endpoint shared by
// thousands of zones is one entry.
#include "dns/server/status_report.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "dns/wire/name_text.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

namespace {
// Why a checked endpoint is down, as far as this node can tell (`views`: the cluster's, or null).
std::string downBecause(const nlohmann::json& views) {
  if (views.is_null()) return "health checks fail";
  if (!views.contains("stale_since")) return "most nodes' health checks fail";
  const std::string at = wire::formatUtc(views["stale_since"].get<int64_t>());
  if (!views.value("others_counted", true))
    return "this node's health checks fail; etcd unreachable since " + at + ", so the other nodes' views are not counted";
  return "most nodes' health checks failed as last known at " + at + " (stale: etcd unreachable)";
}
}  // namespace

nlohmann::json statusReport(const StatusInputs& in) {
  const zones::View& view = in.view;
  std::map<std::string, const health::Scheduler::Status*> probes;
  for (const auto& st : in.probes) probes[st.address + "|" + st.check] = &st;
  const auto drains = in.admin.effectiveDrains(in.now);
  nlohmann::json regions = nlohmann::json::array();
  for (size_t r = 0; r < view.regions().size(); ++r) {
    const auto id = static_cast<zones::RegionId>(r);
    const std::string& region = view.regions()[r].name;
    const bool drained = view.regionAdmin(id).drained.load();
    nlohmann::json entry = {{"region", region}, {"drained", drained}};
    if (auto d = drains.find(region); d != drains.end())
      entry["drain"] = {{"reason", d->second.reason}, {"uid", d->second.uid}, {"since", d->second.since}};
    if (in.local && in.local->drained.count(region)) entry["drain"]["local"] = true;
    nlohmann::json windows = nlohmann::json::array();
    for (const auto& w : in.admin.windows) {
      // An ended window is gone (its node drops it at the next tick): never shown as open.
      if (w.region != region || w.end <= in.now) continue;
      nlohmann::json window = {{"start", w.start}, {"end", w.end}, {"reason", w.reason},
                               {"state", in.now < w.start ? "pending" : w.held ? "held" : "open"}};
      if (w.held) {
        window["held_because"] = "would leave " + w.heldWhy + " with no region";
        window["held_since"] = w.heldSince;
      }
      if (w.force) window["force"] = true;
      windows.push_back(std::move(window));
    }
    if (!windows.empty()) entry["windows"] = windows;

    // Endpoints by health cell and the override on them (one address forced down in one
    // pool and serving in another is two entries), pools by name, each with the zones that
    // use them.
    using EndpointKey = std::pair<const health::HealthCell*, std::string>;
    std::map<EndpointKey, nlohmann::json> endpoints;
    std::vector<EndpointKey> order;
    std::map<std::string, size_t> poolZones;
    for (const auto& zone : view.zones())
      for (const auto& pool : zone->pools()) {
        const auto* m = pool->members(id);
        if (!m) continue;
        ++poolZones[pool->name];
        std::string where = wire::nameToText(zone->apex()) + " pool " + pool->name;
        auto visit = [&](const health::HealthCell* cell, const health::EndpointForce& liveForce, const wire::Address* at,
                         const std::string& cname) {
          const std::string address = at ? at->toString() : std::string();
          auto force = forceFor(in.admin, at, region, pool->name);
          const EndpointKey key{cell, force ? force->target.text() : std::string()};
          auto [it, fresh] = endpoints.try_emplace(key);
          nlohmann::json& ep = it->second;
          if (fresh) {
            order.push_back(key);
            const health::Health h = health::read(liveForce, *cell);
            const health::Forced state = force ? force->state : health::Forced::Auto;
            ep = {{"health", health::observedName(cell->observed.load())},
                  {"admin", state == health::Forced::Auto ? "auto" : state == health::Forced::Up ? "force-up" : "force-down"},
                  {"serving", h.up && !drained},
                  {"zones", 0}};
            if (!address.empty()) ep["address"] = address;
            if (!cname.empty()) ep["cname"] = cname;
            if (force) {
              ep["forced_by"] = force->target.text();
              if (in.local && in.local->forced.count(force->target)) ep["forced_here_only"] = true;
              if (auto n = in.admin.forceNotes.find(force->target); n != in.admin.forceNotes.end())
                ep["force_reason"] = n->second.reason;
            }
            nlohmann::json views = in.cluster && pool->check
                                       ? in.cluster->endpointViews(*pool->check, address.empty() ? pool->check->address : address)
                                       : nlohmann::json();
            if (!views.is_null()) ep["cluster"] = views;
            if (drained) ep["not_serving_because"] = "region drained";
            else if (!h.up && state == health::Forced::Down) ep["not_serving_because"] = "forced down";
            else if (!h.up) ep["not_serving_because"] = downBecause(views);
            auto p = pool->check ? probes.find(address.empty() ? pool->check->address + "|" + pool->check->name
                                                               : address + "|" + pool->check->name)
                                 : probes.end();
            if (p != probes.end()) {
              ep["why"] = p->second->lastReason;
              ep["since"] = std::chrono::system_clock::to_time_t(p->second->since);
              ep["probes"] = p->second->probes;
              ep["failures"] = p->second->failures;
              ep["changes"] = p->second->changes;
              if (p->second->probes) ep["latency_ms"] = double(p->second->latency.count()) / 1000.0;
              if (p->second->heldUntil) {
                ep["damped_until"] = std::chrono::system_clock::to_time_t(*p->second->heldUntil);
                ep["not_serving_because"] = "flapping: held down by flap_damping";
              }
            } else {
              ep["why"] = pool->check ? "not probed yet" : "no check";
            }
          }
          ep["zones"] = ep["zones"].get<size_t>() + 1;
          if (!ep.contains("pools") || std::find(ep["pools"].begin(), ep["pools"].end(), pool->name) == ep["pools"].end())
            ep["pools"].push_back(pool->name);
          if (in.detail) {
            ep["used_by"].push_back(where);
            for (const auto& rec : zone->steered())
              if (rec->pool == pool.get()) ep["records"].push_back(rec->name);
          }
        };
        for (const auto* list : {&m->ipv4, &m->ipv6})
          for (const auto& e : *list) visit(e.cell.get(), *e.force, &e.address, "");
        if (m->cnameCell) visit(m->cnameCell.get(), *m->cnameForce, nullptr, wire::nameToText(m->cname));
      }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& key : order) list.push_back(endpoints[key]);
    entry["endpoints"] = list;
    nlohmann::json pools = nlohmann::json::array();
    for (const auto& [name, count] : poolZones) {
      nlohmann::json p = {{"pool", name}, {"zones", count}};
      if (auto a = in.availability.of(region, name, in.now))
        p["availability"] = {{"last_hour", a->lastHour},
                             {"last_day", a->lastDay},
                             {"planned", {{"last_hour", a->plannedLastHour}, {"last_day", a->plannedLastDay}}},
                             {"unplanned", {{"last_hour", a->unplannedLastHour}, {"last_day", a->unplannedLastDay}}},
                             {"sampled_seconds", a->sampledSeconds}};
      pools.push_back(p);
    }
    entry["pools"] = pools;
    regions.push_back(entry);
  }
  nlohmann::json out = {{"regions", regions}};
  if (!in.droppedOverrides.empty()) out["dropped_overrides"] = in.droppedOverrides;
  if (in.cluster) {
    out["cluster"] = in.cluster->summary();
    if (in.clusterNodes) out["cluster"]["nodes"] = in.cluster->nodes();
  }
  return out;
}

}  // namespace lodestar::server
