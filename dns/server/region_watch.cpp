// Per record and region up/down, judged with the answer path's own look() off the answer path.
#include "dns/server/region_watch.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "dns/engine/region_choice.hpp"
#include "dns/server/admin_rules.hpp"
#include "dns/server/log.hpp"

namespace lodestar::server {

namespace {

// The family a region answers for the record: IPv4 unless it has only IPv6 (a CNAME region
// judges its alias either way), as the safety rule does.
bool judgedFamilyIsV6(const zones::PoolMembers& m) { return m.ipv4.empty() && m.cname.empty() && !m.ipv6.empty(); }

}  // namespace

RegionWatch::Pairs::iterator RegionWatch::judge(const zones::View& view, const zones::SteeredRecord& rec,
                                                 zones::RegionId id, const WhatIfHealth& health, int64_t now) {
  const zones::PoolMembers* m = rec.pool->members(id);
  if (!m || id >= view.regions().size()) return pairs_.end();
  engine::Picked scratch;  // look() lists the up endpoints here; only its verdict is read
  const bool up = engine::look(m, judgedFamilyIsV6(*m), rec.minHealthy, health, scratch).usable;
  auto [it, fresh] = pairs_.try_emplace(std::make_pair(rec.name, view.regions()[id].name));
  Pair& p = it->second;
  if (fresh) {
    p.up = p.told = up;
    p.since = now;
  } else if (up != p.up) {
    p.up = up;
    p.since = now;
    ++p.changes;
  }
  return it;
}

void RegionWatch::evaluate(const zones::View& view, const AdminState& state, int64_t now) {
  const WhatIfHealth health(view, state, now);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& zone : view.zones())
    for (const auto& rec : zone->steered())
      for (zones::RegionId id : rec->pool->regions)
        if (auto it = judge(view, *rec, id, health, now); it != pairs_.end()) seen.insert(it->first);
  std::vector<Pairs::iterator> all;
  all.reserve(seen.size());
  for (auto it = pairs_.begin(); it != pairs_.end();) {
    if (!seen.count(it->first)) {
      it = pairs_.erase(it);  // the reload removed the record or the region: nothing to tell
      continue;
    }
    all.push_back(it++);
  }
  untold_ = 0;
  tellChanges(all, now);
}

void RegionWatch::evaluateZones(const zones::View& view, const std::vector<const zones::Zone*>& added,
                                const std::vector<const zones::Zone*>& removed, const AdminState& state,
                                int64_t now) {
  std::optional<WhatIfHealth> health;  // reads every endpoint of the view: only when needed
  if (!added.empty()) health.emplace(view, state, now);
  std::set<std::pair<std::string, std::string>> judged;
  std::vector<Pairs::iterator> touched;
  for (const auto* zone : added)
    for (const auto& rec : zone->steered())
      for (zones::RegionId id : rec->pool->regions)
        if (auto it = judge(view, *rec, id, *health, now); it != pairs_.end() && judged.insert(it->first).second)
          touched.push_back(it);
  // The removed zones' pairs that no added zone has again are gone with them.
  for (const auto* zone : removed)
    for (const auto& rec : zone->steered())
      for (const auto& region : view.regions()) {
        auto key = std::make_pair(rec->name, region.name);
        if (!judged.count(key)) pairs_.erase(key);
      }
  // Every other pair was told already (the last call settled): only these can have news,
  // told in the order a whole judgement tells them.
  std::sort(touched.begin(), touched.end(), [](auto a, auto b) { return a->first < b->first; });
  untold_ = 0;
  tellChanges(touched, now);
}

void RegionWatch::tellChanges(const std::vector<Pairs::iterator>& pairs, int64_t now) {
  size_t told = 0;
  std::map<std::pair<std::string, bool>, uint64_t> together;  // (region, up) → records past kToldEach
  for (auto it : pairs) {
    Pair& p = it->second;
    p.budget.refill(now);
    if (p.up != p.told && p.budget.canTell()) {
      if (told++ < kToldEach) {
        tell(it->first, p, now);
      } else {
        p.budget.spend();
        p.told = p.up;
        p.changes = 0;
        ++together[{it->first.second, p.up}];
      }
    }
    untold_ += p.up != p.told;
  }
  for (const auto& [key, records] : together) tellTogether(key.first, key.second, records, now);
}

void RegionWatch::tellTogether(const std::string& region, bool up, uint64_t records, int64_t now) {
  const char* from = up ? "down" : "up";
  const char* to = up ? "up" : "down";
  logLine(up ? LogLevel::Info : LogLevel::Warning,
          "region: " + region + " is " + to + " for " + std::to_string(records) + " more record(s)");
  if (!events_) return;
  const nlohmann::json event = {{"event", "record_region"}, {"time", now}, {"record", "*"},   {"region", region},
                                {"from", from},             {"to", to},    {"records", records}};
  events_({event.dump(), "* " + region, from, to});
}

void RegionWatch::tell(const std::pair<std::string, std::string>& key, Pair& p, int64_t now) {
  p.budget.spend();
  p.told = p.up;
  const uint64_t notTold = p.changes ? p.changes - 1 : 0;
  p.changes = 0;
  const auto& [record, region] = key;
  const char* from = p.up ? "down" : "up";
  const char* to = p.up ? "up" : "down";
  const std::string untold =
      notTold ? " (" + std::to_string(notTold) + " change(s) since the last line were not logged: it flaps)" : "";
  logLine(p.up ? LogLevel::Info : LogLevel::Warning,
          "region: " + region + " is " + to + " for " + record +
              (p.up ? "" : " (drained, or fewer endpoints up than min_healthy)") + untold);
  if (!events_) return;
  const nlohmann::json event = {{"event", "record_region"}, {"time", now},  {"record", record},
                                {"region", region},         {"from", from}, {"to", to},
                                {"changes_not_told", notTold}};
  events_({event.dump(), record + " " + region, from, to});
}

std::vector<RegionWatch::Row> RegionWatch::rows() const {
  std::vector<Row> out;
  out.reserve(pairs_.size());
  for (const auto& [key, p] : pairs_) out.push_back({key.first, key.second, p.up});
  return out;
}

}  // namespace lodestar::server
