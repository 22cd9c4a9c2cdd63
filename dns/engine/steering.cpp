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
constexpr unsigned kMaxAddresses = 512;  // addresses one answer can list (far past any UDP answer)

// Each endpoint's health is read once per query, into these: every later decision uses the
// same reading, so an answer agrees with itself while probes change states underneath.
struct Picked {
  const Endpoint* at[kMaxAddresses];
  unsigned count = 0;
};

// One region as this query saw it. No default values: arrays of these stay uninitialised
// until a look fills them.
struct Look {
  const PoolMembers* members;
  unsigned first;   // its up endpoints are Picked::at[first, first + listed)
  unsigned listed;
  bool usable;      // enough endpoints of the family up (a CNAME region: its target up)
  bool degraded;
};

// A region serves this family when it has at least `minHealthy` endpoints of it up. Its up
// endpoints stay in `p` only when it does.
[[gnu::always_inline]] inline Look look(const PoolMembers* m, bool v6, unsigned minHealthy, Picked& p) noexcept {
  Look l{m, p.count, 0, false, false};
  if (!m || m->drained()) return l;
  if (!m->cname.empty()) {
    const health::Health h = m->cnameState->read();
    l.usable = h.up;
    l.degraded = h.degraded;
    return l;
  }
  const auto& list = m->family(v6);
  unsigned up = 0;
  for (const auto& e : list) {
    const health::Health h = e.state->read();
    l.degraded |= h.degraded;
    if (!h.up) continue;
    ++up;
    if (p.count < kMaxAddresses) p.at[p.count++] = &e;
  }
  l.usable = !list.empty() && up >= minHealthy;
  if (l.usable) l.listed = p.count - l.first;
  else p.count = l.first;  // the last ones added: give their room back
  return l;
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
  Look regions[kMaxChosen];
  unsigned count = 0;
  bool failOpen = false;  // answer every endpoint of regions[0], whatever its health
  const Endpoint* single = nullptr;  // weighted by endpoint: just this one
};

// No region is usable: the first with endpoints of this family (or an alias) answers with
// all of them; with `preferUndrained`, a drained region only when no other has any.
void failOpen(const zones::Pool& pool, const std::vector<RegionId>& ids, bool v6, bool preferUndrained, Choice& c) noexcept {
  for (int pass = preferUndrained ? 0 : 1; pass < 2; ++pass) {
    for (RegionId id : ids) {
      const PoolMembers* m = pool.members(id);
      if (m && (pass == 1 || !m->drained()) && (!m->family(v6).empty() || !m->cname.empty())) {
        c.regions[c.count++] = Look{m, 0, 0, false, true};
        c.failOpen = true;
        return;
      }
    }
  }
}

// geo, nearest, failover: the first usable regions of the order (or a spill target).
void chooseOrdered(const SteeredRecord& s, const std::vector<RegionId>& order, bool v6, const geo::Address& who,
                   Response& r, Picked& p, Choice& c) noexcept {
  const auto& pool = *s.pool;
  const Look preferred = look(pool.members(order.front()), v6, s.minHealthy, p);
  if (s.spill && !preferred.usable) {
    // Spread this region's clients over the next `spill` usable regions, by capacity.
    Look candidates[kMaxChosen];
    unsigned n = 0;
    uint64_t total = 0;
    for (size_t i = 1; i < order.size() && n < s.spill && n < kMaxChosen; ++i) {
      const Look l = look(pool.members(order[i]), v6, s.minHealthy, p);
      if (!l.usable) continue;
      candidates[n++] = l;
      total += l.members->capacity;
    }
    if (n) {
      uint64_t pick = clientHash(who) % total;
      for (unsigned i = 0; i < n; ++i) {
        if (pick < candidates[i].members->capacity) {
          c.regions[c.count++] = candidates[i];
          break;
        }
        pick -= candidates[i].members->capacity;
      }
      r.narrowScope(who.family == geo::Family::IPv4 ? 24 : 48);  // the choice depends on those bits
      return;
    }
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const Look l = i == 0 ? preferred : look(pool.members(order[i]), v6, s.minHealthy, p);
    if (!l.usable) continue;
    c.regions[c.count++] = l;
    if (c.count >= s.maxRegions || c.count >= kMaxChosen) return;
  }
  if (!c.count) failOpen(pool, order, v6, true, c);
}

// weighted: a usable region at random by weight; inside it, one endpoint by weight if the
// pool gives endpoint weights.
void chooseWeighted(const SteeredRecord& s, bool v6, uint32_t entropy, Picked& p, Choice& c) noexcept {
  const auto& pool = *s.pool;
  Look looks[zones::kMaxPoolRegions];
  unsigned n = 0;
  uint64_t total = 0;
  for (RegionId id : pool.regions) {
    if (n == zones::kMaxPoolRegions) break;  // the loader allows no more
    looks[n] = look(pool.members(id), v6, s.minHealthy, p);
    if (looks[n].usable) total += s.regionWeights[id];
    ++n;
  }
  if (total == 0) {
    failOpen(pool, pool.regions, v6, false, c);
    return;
  }
  uint64_t pick = entropy % total;
  const Look* chosen = nullptr;
  for (unsigned i = 0; i < n && !chosen; ++i) {
    if (!looks[i].usable) continue;
    const uint32_t weight = s.regionWeights[pool.regions[i]];
    if (pick < weight) chosen = &looks[i];
    else pick -= weight;
  }
  c.regions[c.count++] = *chosen;  // pick < total: some usable region takes it
  if (!chosen->members->endpointWeights || chosen->listed == 0) return;
  uint64_t sum = 0;
  for (unsigned i = 0; i < chosen->listed; ++i) sum += p.at[chosen->first + i]->weight;
  uint64_t at = (entropy >> 8) % sum;
  for (unsigned i = 0; i < chosen->listed; ++i) {
    const Endpoint* e = p.at[chosen->first + i];
    if (at < e->weight) {
      c.single = e;
      return;
    }
    at -= e->weight;
  }
}

// all: every healthy endpoint of the usable regions, rotated, capped at max_answers.
bool answerAll(Response& r, const Client& client, const SteeredRecord& s, bool v6, uint16_t type, size_t ownerOffset,
               std::string_view owner, Picked& p, QueryStats& stats) noexcept {
  bool degraded = false;
  for (RegionId id : s.pool->regions) {
    const PoolMembers* m = s.pool->members(id);
    if (m && !m->cname.empty()) continue;
    const Look l = look(m, v6, s.minHealthy, p);
    if (l.usable) degraded = degraded || l.degraded;
  }
  if (p.count == 0) {
    ++stats.failOpen;
    if (s.allDown == zones::AllDown::NoData) return false;
    degraded = true;
    for (RegionId id : s.pool->regions)
      for (const auto& e : s.pool->members(id)->family(v6))
        if (p.count < kMaxAddresses) p.at[p.count++] = &e;
  }
  const unsigned n = p.count;
  if (n == 0) return false;
  const uint32_t ttl = degraded ? s.ttlDegraded : s.ttl;
  const unsigned shown = n < s.maxAnswers ? n : s.maxAnswers;
  const unsigned start = client.draw() % n;
  for (unsigned i = 0; i < shown; ++i) r.address(ownerOffset, owner, type, ttl, p.at[(start + i) % n]->address);
  return true;
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

  Picked picked;
  Choice c;
  switch (s.policy) {
    case zones::PolicyKind::Weighted:
      chooseWeighted(s, v6, client.draw(), picked, c);
      break;
    case zones::PolicyKind::All:
      return answerAll(r, client, s, v6, type, ownerOffset, owner, picked, stats);
    default:
      chooseOrdered(s, order, v6, who, r, picked, c);
  }
  if (c.count == 0) return false;  // no region has endpoints of this family
  if (c.failOpen) {
    ++stats.failOpen;
    if (s.allDown == zones::AllDown::NoData) return false;
  }
  const PoolMembers& first = *c.regions[0].members;
  stats.countRegion(first.region);
  if (!first.cname.empty()) {
    // A CNAME region: the alias alone answers; the resolver follows it.
    const uint32_t ttl = (c.failOpen || c.regions[0].degraded) ? s.ttlDegraded : s.ttl;
    return r.cname(ownerOffset, owner, ttl, first.cname), true;
  }
  if (q.qtype == rrtype::CNAME) return false;  // an address region has no alias
  bool degraded = c.failOpen;
  for (unsigned i = 0; i < c.count; ++i) degraded = degraded || c.regions[i].degraded;
  const uint32_t ttl = degraded ? s.ttlDegraded : s.ttl;
  if (c.single) return r.address(ownerOffset, owner, type, ttl, c.single->address), true;
  if (c.failOpen) {
    for (const auto& e : first.family(v6)) r.address(ownerOffset, owner, type, ttl, e.address);
    return true;
  }
  for (unsigned i = 0; i < c.count; ++i) {
    const Endpoint* const* run = picked.at + c.regions[i].first;
    if (!r.addresses(ownerOffset, owner, type, ttl, c.regions[i].listed,
                     [run](unsigned k) -> const geo::Address& { return run[k]->address; }))
      break;
  }
  return true;
}

}  // namespace lodestar::dns
