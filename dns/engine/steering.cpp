// The steering stage. Fixed-size scratch only: no allocation, no locks; health is one
// relaxed atomic load per endpoint looked at.
#include "dns/engine/steering.hpp"

namespace lodestar::dns {

namespace {

using zones::Endpoint;
using zones::PoolMembers;
using zones::RegionId;
using zones::SteeredRecord;

constexpr unsigned kMaxChosen = 16;

unsigned upCount(const std::vector<Endpoint>& list) noexcept {
  unsigned n = 0;
  for (const auto& e : list) n += e.up();
  return n;
}

bool anyDegraded(const std::vector<Endpoint>& list) noexcept {
  for (const auto& e : list)
    if (e.state->degraded()) return true;
  return false;
}

// A region serves this family when it has enough endpoints of it up (a CNAME region: when
// its target is up, whatever the family).
bool usable(const PoolMembers* m, bool v6, unsigned minHealthy) noexcept {
  if (!m || m->drained()) return false;
  if (!m->cname.empty()) return m->cnameState->up();
  const auto& list = m->family(v6);
  return !list.empty() && upCount(list) >= minHealthy;
}

// A stable hash of the client's /24 (IPv4) or /48 (IPv6): spill-over keeps each client
// network on one region.
uint32_t clientHash(const geo::Address& a) noexcept {
  const unsigned bytes = a.family == geo::Family::IPv4 ? 3 : 6;
  uint32_t h = 2166136261u;
  for (unsigned i = 0; i < bytes; ++i) h = (h ^ a.bytes[i]) * 16777619u;
  return h;
}

struct Choice {
  const PoolMembers* regions[kMaxChosen];
  unsigned count = 0;
  bool failOpen = false;  // answer every endpoint of regions[0], whatever its health
  const Endpoint* single = nullptr;  // weighted by endpoint: just this one
};

// geo, nearest, failover: the first usable regions of the order (or a spill target).
void chooseOrdered(const SteeredRecord& s, const std::vector<RegionId>& order, bool v6, const geo::Address& who,
                   Response& r, Choice& c) noexcept {
  const auto& pool = *s.pool;
  const PoolMembers* preferred = pool.members(order.front());
  if (s.spill && !usable(preferred, v6, s.minHealthy)) {
    // Spread this region's clients over the next `spill` usable regions, by capacity.
    const PoolMembers* candidates[kMaxChosen];
    unsigned n = 0;
    uint64_t total = 0;
    for (size_t i = 1; i < order.size() && n < s.spill && n < kMaxChosen; ++i) {
      const PoolMembers* m = pool.members(order[i]);
      if (usable(m, v6, s.minHealthy)) {
        candidates[n++] = m;
        total += m->capacity;
      }
    }
    if (n) {
      uint64_t pick = clientHash(who) % total;
      for (unsigned i = 0; i < n; ++i) {
        if (pick < candidates[i]->capacity) {
          c.regions[c.count++] = candidates[i];
          break;
        }
        pick -= candidates[i]->capacity;
      }
      r.narrowScope(who.family == geo::Family::IPv4 ? 24 : 48);  // the choice depends on those bits
      return;
    }
  }
  for (RegionId id : order) {
    const PoolMembers* m = pool.members(id);
    if (usable(m, v6, s.minHealthy)) {
      c.regions[c.count++] = m;
      if (c.count >= s.maxRegions || c.count >= kMaxChosen) return;
    }
  }
  if (c.count) return;
  // Fail open: the first region with endpoints of this family, preferring undrained ones.
  for (bool allowDrained : {false, true}) {
    for (RegionId id : order) {
      const PoolMembers* m = pool.members(id);
      if (m && (allowDrained || !m->drained()) && (!m->family(v6).empty() || !m->cname.empty())) {
        c.regions[c.count++] = m;
        c.failOpen = true;
        return;
      }
    }
  }
}

// weighted: a usable region at random by weight; inside it, one endpoint by weight if the
// pool gives endpoint weights.
void chooseWeighted(const SteeredRecord& s, bool v6, uint32_t entropy, Choice& c) noexcept {
  const auto& pool = *s.pool;
  uint64_t total = 0;
  for (RegionId id : pool.regions)
    if (usable(pool.members(id), v6, s.minHealthy)) total += s.regionWeights[id];
  if (total == 0) {
    for (RegionId id : pool.regions) {
      const PoolMembers* m = pool.members(id);
      if (m && (!m->family(v6).empty() || !m->cname.empty())) {
        c.regions[c.count++] = m;
        c.failOpen = true;
        return;
      }
    }
    return;
  }
  uint64_t pick = entropy % total;
  const PoolMembers* chosen = nullptr;
  for (RegionId id : pool.regions) {
    const PoolMembers* m = pool.members(id);
    if (!usable(m, v6, s.minHealthy)) continue;
    if (pick < s.regionWeights[id]) {
      chosen = m;
      break;
    }
    pick -= s.regionWeights[id];
  }
  c.regions[c.count++] = chosen;
  if (!chosen->endpointWeights) return;
  uint64_t sum = 0;
  for (const auto& e : chosen->family(v6))
    if (e.up()) sum += e.weight;
  uint64_t at = (entropy >> 8) % sum;
  for (const auto& e : chosen->family(v6)) {
    if (!e.up()) continue;
    if (at < e.weight) {
      c.single = &e;
      return;
    }
    at -= e.weight;
  }
}

}  // namespace

bool answerSteered(Response& r, const Query& q, const Client& client, const SteeredRecord& s, size_t ownerOffset,
                   std::string_view owner, QueryStats& stats) noexcept {
  const bool v6 = q.qtype == rrtype::AAAA;
  const uint16_t type = v6 ? rrtype::AAAA : rrtype::A;
  // ECS when the resolver sent a usable subnet; source prefix 0 means "decide by my address".
  const bool useEcs = q.hasEcs && q.ecs.sourcePrefix > 0;
  const geo::Address& who = useEcs ? q.ecs.address : client.source;
  geo::DecisionTree::Result decision = s.tree->find(who);
  if (useEcs) r.narrowScope(decision.scope);
  const auto& order = (*s.orders)[decision.decision];

  Choice c;
  switch (s.policy) {
    case zones::PolicyKind::Weighted:
      chooseWeighted(s, v6, client.entropy, c);
      break;
    case zones::PolicyKind::All: {
      // Multivalue: every healthy endpoint of the usable regions, rotated, capped.
      const Endpoint* picked[256];
      unsigned n = 0;
      bool degraded = false;
      for (RegionId id : s.pool->regions) {
        const PoolMembers* m = s.pool->members(id);
        if (!usable(m, v6, s.minHealthy) || !m->cname.empty()) continue;
        degraded = degraded || anyDegraded(m->family(v6));
        for (const auto& e : m->family(v6))
          if (e.up() && n < 256) picked[n++] = &e;
      }
      if (n == 0) {
        ++stats.failOpen;
        if (s.allDown == zones::AllDown::NoData) return false;
        degraded = true;
        for (RegionId id : s.pool->regions)
          for (const auto& e : s.pool->members(id)->family(v6))
            if (n < 256) picked[n++] = &e;
      }
      if (n == 0) return false;
      const uint32_t ttl = degraded ? s.ttlDegraded : s.ttl;
      const unsigned shown = n < s.maxAnswers ? n : s.maxAnswers;
      const unsigned start = client.entropy % n;
      for (unsigned i = 0; i < shown; ++i) r.address(ownerOffset, owner, type, ttl, picked[(start + i) % n]->address);
      return true;
    }
    default:
      chooseOrdered(s, order, v6, who, r, c);
  }
  if (c.count == 0) return false;  // no region has endpoints of this family
  if (c.failOpen) {
    ++stats.failOpen;
    if (s.allDown == zones::AllDown::NoData) return false;
  }
  stats.countRegion(c.regions[0]->region);
  if (!c.regions[0]->cname.empty()) {
    // A CNAME region: the alias alone answers; the resolver follows it.
    const PoolMembers& m = *c.regions[0];
    const uint32_t ttl = (c.failOpen || m.cnameState->degraded()) ? s.ttlDegraded : s.ttl;
    return r.cname(ownerOffset, owner, ttl, m.cname), true;
  }
  if (q.qtype == rrtype::CNAME) return false;  // an address region has no alias
  bool degraded = c.failOpen;
  for (unsigned i = 0; i < c.count; ++i) degraded = degraded || anyDegraded(c.regions[i]->family(v6));
  const uint32_t ttl = degraded ? s.ttlDegraded : s.ttl;
  if (c.single) return r.address(ownerOffset, owner, type, ttl, c.single->address), true;
  for (unsigned i = 0; i < c.count; ++i)
    for (const auto& e : c.regions[i]->family(v6))
      if (c.failOpen || e.up()) r.address(ownerOffset, owner, type, ttl, e.address);
  return true;
}

}  // namespace lodestar::dns
