// Admin what-ifs through region_choice.hpp: the same templates the answer path runs, with
// health read from a state that is not applied yet.
#include "dns/server/admin_rules.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "dns/engine/region_choice.hpp"

namespace lodestar::server {

WhatIfHealth::WhatIfHealth(const zones::View& view, const AdminState& state, int64_t now)
    : drained_(view.regions().size(), false) {
  for (const auto& [region, d] : state.effectiveDrains(now))
    if (auto id = view.regionId(region)) drained_[*id] = true;
  forEachForced(state, view, [this](const zones::EndpointInView& at, health::Forced f) { forced_[&at.force] = f; });
}

health::Health WhatIfHealth::read(const health::EndpointForce& force, const health::HealthCell& cell) const noexcept {
  auto it = forced_.find(&force);
  const health::Forced f = it == forced_.end() ? health::Forced::Auto : it->second;
  return health::combine(f, cell.observed.load(std::memory_order_relaxed));
}

namespace {

std::string groupLabel(const zones::View& view, const zones::SteeredRecord& rec, uint32_t decision) {
  if (rec.policy == zones::PolicyKind::Failover || rec.policy == zones::PolicyKind::Weighted ||
      rec.policy == zones::PolicyKind::All)
    return "every client";
  std::string keys = decisionKeys(view, rec, decision);
  return keys.rfind("nearest", 0) == 0 ? "clients " + keys : "clients of " + keys;
}

bool hasFamily(const zones::Pool& pool, bool v6) {
  for (zones::RegionId r : pool.regions)
    if (!pool.byRegion[r].family(v6).empty() || !pool.byRegion[r].cname.empty()) return true;
  return false;
}

Outcome outcomeFor(const zones::SteeredRecord& rec, uint32_t decision, const zones::View& view,
                   const WhatIfHealth& h, bool v6, const wire::Address& who, uint32_t entropy, bool everyWeighted) {
  Outcome out;
  engine::Picked picked;
  const auto name = [&](const zones::PoolMembers* m) { return view.regions()[m->region].name; };
  if (rec.policy == zones::PolicyKind::All) {
    bool degraded = false;
    out.failOpen = !engine::lookAll(rec, v6, h, picked, degraded);
    for (zones::RegionId r : rec.pool->regions) {
      const auto* m = rec.pool->members(r);
      if (!m || !m->cname.empty()) continue;
      engine::Picked scratch;
      // Failing open, the answer lists every endpoint of the family, whatever its health.
      if (out.failOpen ? !m->family(v6).empty() : engine::look(m, v6, rec.minHealthy, h, scratch).usable)
        out.regions.push_back(name(m));
    }
    return out;
  }
  engine::Choice c;
  if (rec.policy == zones::PolicyKind::Weighted && everyWeighted) {
    // A random region by weight per query: the group's answers come from every usable one.
    for (zones::RegionId r : rec.pool->regions) {
      engine::Picked scratch;
      if (rec.regionWeights[r] && engine::look(rec.pool->members(r), v6, rec.minHealthy, h, scratch).usable)
        out.regions.push_back(view.regions()[r].name);
    }
    if (!out.regions.empty()) return out;
  }
  engine::chooseRegions(rec, decision, v6, who, entropy, h, picked, c);
  out.failOpen = c.failOpen;
  out.spill = c.narrowScope < 128;
  for (unsigned i = 0; i < c.count; ++i) out.regions.push_back(name(c.regions[i].members));
  return out;
}

wire::Address anyAddress(bool v6) {
  wire::Address a{};
  a.family = v6 ? wire::Family::IPv6 : wire::Family::IPv4;
  return a;
}

}  // namespace

std::string decisionKeys(const zones::View& view, const zones::SteeredRecord& rec, uint32_t decision) {
  std::vector<std::string> keys;
  if (rec.areas) keys = rec.areas->keysFor(decision);
  for (const auto& n : rec.customNetworks)
    if (n.decision == decision) keys.push_back(n.network.toString());
  if (decision == 0) keys.push_back("default");
  std::string text;
  for (const auto& k : keys) text += (text.empty() ? "" : ", ") + k;
  if (!text.empty()) return text;
  // nearest: an order of its own, by distance
  for (zones::RegionId r : (*rec.orders)[decision]) text += (text.empty() ? "" : ", ") + view.regions()[r].name;
  return "nearest: " + text;
}

namespace {

// The decisions some address reaches, per tree: records with one policy and map share their
// tree, and walking a big database's tree once per record cost seconds of the control loop.
using DecisionsByTree = std::unordered_map<const geo::DecisionTree*, std::vector<uint32_t>>;

std::vector<ClientGroup> groupsOf(const zones::View& view, const zones::Zone& zone, DecisionsByTree& used) {
  std::vector<ClientGroup> groups;
  for (const auto& rec : zone.steered()) {
    std::vector<uint32_t> decisions{0};
    if (rec->tree && rec->policy != zones::PolicyKind::Weighted && rec->policy != zones::PolicyKind::All) {
      auto [at, fresh] = used.try_emplace(rec->tree.get());
      if (fresh) at->second = rec->tree->decisionsUsed();
      decisions = at->second;
    }
    for (uint32_t d : decisions)
      if (d < rec->orders->size()) groups.push_back({rec.get(), d, groupLabel(view, *rec, d)});
  }
  return groups;
}

}  // namespace

std::vector<ClientGroup> clientGroups(const zones::View& view) {
  DecisionsByTree used;
  std::vector<ClientGroup> groups;
  for (const auto& zone : view.zones()) {
    auto of = groupsOf(view, *zone, used);
    groups.insert(groups.end(), std::make_move_iterator(of.begin()), std::make_move_iterator(of.end()));
  }
  return groups;
}

std::vector<ClientGroup> clientGroups(const zones::View& view, const zones::Zone& zone) {
  DecisionsByTree used;
  return groupsOf(view, zone, used);
}

Outcome outcomeOf(const ClientGroup& group, const zones::View& view, const WhatIfHealth& health) {
  const bool v6 = !hasFamily(*group.record->pool, false);
  return outcomeFor(*group.record, group.decision, view, health, v6, anyAddress(v6), 0, true);
}

std::vector<ClientGroup> strandedGroups(const zones::View& view, const std::vector<ClientGroup>& groups,
                                        const AdminState& state, int64_t now) {
  return strandedGroups(view, groups, WhatIfHealth(view, state, now));
}

std::vector<ClientGroup> strandedGroups(const zones::View& view, const std::vector<ClientGroup>& groups,
                                        const WhatIfHealth& health) {
  std::vector<ClientGroup> out;
  for (const auto& g : groups) {
    bool stranded = false;
    for (bool v6 : {false, true})
      if (hasFamily(*g.record->pool, v6))
        stranded = stranded || outcomeFor(*g.record, g.decision, view, health, v6, anyAddress(v6), 0, true).failOpen;
    if (stranded) out.push_back(g);
  }
  return out;
}

std::vector<ClientGroup> strandedGroups(const zones::View& view, const AdminState& state, int64_t now) {
  return strandedGroups(view, clientGroups(view), state, now);
}

std::vector<std::string> groupsWithoutRegion(const zones::View& view, const AdminState& state, int64_t now) {
  std::vector<std::string> out;
  for (const auto& g : strandedGroups(view, state, now)) out.push_back(g.record->name + " (" + g.label + ")");
  return out;
}

std::vector<std::string> newlyStrandedAt(const zones::View& view, const AdminState& before, const AdminState& after,
                                         int64_t at) {
  auto was = groupsWithoutRegion(view, before, at);
  std::vector<std::string> out;
  for (auto& g : groupsWithoutRegion(view, after, at))
    if (std::find(was.begin(), was.end(), g) == was.end()) out.push_back(std::move(g));
  return out;
}

StrandedOverTime newlyStranded(const zones::View& view, const AdminState& before, const AdminState& after, int64_t from,
                               int64_t until) {
  std::set<int64_t> instants = {from};
  for (const auto* s : {&before, &after})
    for (const auto& w : s->windows)
      for (int64_t edge : {w.start, w.end})
        if (edge > from && edge < until) instants.insert(edge);
  for (int64_t at : instants)
    if (auto groups = newlyStrandedAt(view, before, after, at); !groups.empty()) return {at, std::move(groups)};
  return {};
}

std::vector<WindowVerdict> judgeWindows(const zones::View& view, AdminState& state, int64_t since, int64_t now) {
  std::vector<WindowVerdict> out;
  auto& windows = state.windows;
  // Those opening now stay shut while each is judged: one at a time, each with those before it.
  std::vector<size_t> opening;
  for (size_t i = 0; i < windows.size(); ++i)
    if (!windows[i].held && windows[i].start > since && windows[i].start <= now && now < windows[i].end) {
      opening.push_back(i);
      windows[i].held = true;
    }
  auto judge = [&](size_t i, WindowVerdict::Kind open, bool wasHeld) {
    AdminState opened = state;
    opened.windows[i].held = false;
    auto groups = state.windows[i].force ? std::vector<std::string>{} : newlyStrandedAt(view, state, opened, now);
    auto& w = windows[i];
    if (groups.empty()) {
      w.held = false;
      w.heldWhy.clear();
      w.heldSince = 0;
      out.push_back({i, open});
      return;
    }
    std::string why;
    for (const auto& g : groups) why += (why.empty() ? "" : "; ") + g;
    w.heldWhy = std::move(why);
    if (!wasHeld) {
      w.heldSince = now;
      out.push_back({i, WindowVerdict::Kind::Held});
    }
  };
  for (size_t i : opening) judge(i, WindowVerdict::Kind::Opened, false);
  for (size_t i = 0; i < windows.size(); ++i)
    if (windows[i].held && windows[i].start <= now && now < windows[i].end &&
        std::find(opening.begin(), opening.end(), i) == opening.end())
      judge(i, WindowVerdict::Kind::Released, true);
  return out;
}

nlohmann::json predictedMoves(const zones::View& view, const AdminState& before, const AdminState& after, int64_t when) {
  WhatIfHealth was(view, before, when), will(view, after, when);
  nlohmann::json moves = nlohmann::json::array();
  for (const auto& g : clientGroups(view)) {
    Outcome from = outcomeOf(g, view, was), to = outcomeOf(g, view, will);
    if (from == to) continue;
    moves.push_back({{"record", g.record->name},
                     {"policy", zones::policyName(g.record->policy)},
                     {"clients", g.label},
                     {"from", from.regions},
                     {"to", to.regions},
                     {"fail_open", to.failOpen},
                     {"spill", to.spill}});
  }
  return moves;
}

Outcome predictFor(const zones::View& view, const AdminState& state, int64_t now, const zones::SteeredRecord& record,
                   const wire::Address& who, bool v6, uint32_t entropy) {
  return predictFor(view, WhatIfHealth(view, state, now), record, who, v6, entropy);
}

Outcome predictFor(const zones::View& view, const WhatIfHealth& health, const zones::SteeredRecord& record,
                   const wire::Address& who, bool v6, uint32_t entropy) {
  return outcomeFor(record, record.tree->find(who).decision, view, health, v6, who, entropy, false);
}

}  // namespace lodestar::server
