// Fail-open records found off the answer path, told with a per-record budget.
#include "dns/server/fail_open_watch.hpp"

#include <algorithm>
#include <ctime>

#include "dns/server/admin_rules.hpp"
#include "dns/server/log.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

void FailOpenWatch::regroup(const zones::View& view, uint64_t generation) {
  if (generation == groupsOf_) return;
  std::unordered_map<const zones::Zone*, ZoneGroups> next;
  next.reserve(view.zones().size());
  for (const auto& zone : view.zones()) {
    auto old = groups_.find(zone.get());
    if (old != groups_.end()) next.emplace(zone.get(), std::move(old->second));  // kept by the reload
    else next.emplace(zone.get(), ZoneGroups{zone, clientGroups(view, *zone)});
  }
  groups_ = std::move(next);
  groupsOf_ = generation;
}

void FailOpenWatch::evaluate(const zones::View& view, uint64_t generation, const AdminState& state, int64_t now) {
  regroup(view, generation);
  const WhatIfHealth health(view, state, now);
  std::map<std::string, std::vector<std::string>> failing;
  for (const auto& zone : view.zones())
    for (const auto& g : strandedGroups(view, groups_.at(zone.get()).groups, health))
      failing[g.record->name].push_back(g.label);
  apply(std::move(failing), nullptr, now);
}

void FailOpenWatch::evaluateZones(const zones::View& view, uint64_t generation,
                                  const std::vector<const zones::Zone*>& added,
                                  const std::vector<const zones::Zone*>& removed, const AdminState& state,
                                  int64_t now) {
  // The removed zones' records first: those not in an added zone too serve no one now.
  std::set<std::string> judged;
  for (const auto* zone : removed)
    for (const auto& rec : zone->steered()) judged.insert(rec->name);
  regroup(view, generation);
  std::map<std::string, std::vector<std::string>> failing;
  if (added.empty()) return apply(std::move(failing), &judged, now);
  const WhatIfHealth health(view, state, now);  // reads every endpoint of the view: only when needed
  for (const auto* zone : added) {
    for (const auto& rec : zone->steered()) judged.insert(rec->name);
    for (const auto& g : strandedGroups(view, groups_.at(zone).groups, health))
      failing[g.record->name].push_back(g.label);
  }
  apply(std::move(failing), &judged, now);
}

void FailOpenWatch::apply(std::map<std::string, std::vector<std::string>> failing, const std::set<std::string>* judged,
                          int64_t now) {
  for (auto& [name, groups] : failing) {
    Record& r = records_[name];
    if (r.groups.empty()) {
      r.since = now;
      ++entered_;
      ++r.changes;
    }
    r.groups = std::move(groups);
  }
  for (auto& [name, r] : records_)
    if (!failing.count(name) && !r.groups.empty() && (!judged || judged->count(name))) {
      r.groups.clear();
      r.since = now;
      ++r.changes;
    }
  untold_ = 0;
  for (auto it = records_.begin(); it != records_.end();) {
    Record& r = it->second;
    r.budget.refill(now);
    const bool failsNow = !r.groups.empty();
    if (failsNow != r.told && r.budget.canTell()) tell(it->first, r, now);
    untold_ += failsNow != r.told;
    // A record serving, told so, with a full budget has nothing left to remember.
    if (!failsNow && !r.told && r.budget.full()) it = records_.erase(it);
    else ++it;
  }
}

void FailOpenWatch::tell(const std::string& name, Record& r, int64_t now) {
  r.budget.spend();
  r.told = !r.groups.empty();
  // The change told is the last one; the others came and went while the budget was spent.
  const uint64_t notTold = r.changes ? r.changes - 1 : 0;
  r.changes = 0;
  std::string clients;
  for (const auto& g : r.groups) clients += (clients.empty() ? "" : "; ") + g;
  const std::string untold =
      notTold ? " (" + std::to_string(notTold) + " change(s) since the last line were not logged: it flaps)" : "";
  if (r.told)
    logLine(LogLevel::Error, "fail-open: " + name + " has no usable region for " + clients +
                                 ": those clients get a fail-open answer (every region down or drained)" + untold);
  else
    logLine(LogLevel::Info, "fail-open: " + name + " has a usable region again, since " + wire::formatUtc(r.since) + untold);
  if (events_) {
    nlohmann::json event = {{"event", "fail_open"}, {"time", now},       {"record", name},
                            {"clients", r.groups},  {"since", r.since},  {"from", r.told ? "serving" : "fail-open"},
                            {"to", r.told ? "fail-open" : "serving"},    {"changes_not_told", notTold}};
    events_({event.dump(), name, r.told ? "serving" : "fail-open", r.told ? "fail-open" : "serving"});
  }
}

nlohmann::json FailOpenWatch::records() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, r] : records_)
    if (!r.groups.empty()) out.push_back({{"record", name}, {"clients", r.groups}, {"since", r.since}});
  return out;
}

uint64_t FailOpenWatch::failingOpen() const noexcept {
  return static_cast<uint64_t>(
      std::count_if(records_.begin(), records_.end(), [](const auto& kv) { return !kv.second.groups.empty(); }));
}

}  // namespace lodestar::server
