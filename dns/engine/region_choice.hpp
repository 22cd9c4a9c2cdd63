// Which regions answer a steered query: the policy's order filtered by health and admin
// state. The choosers are always inlined: with a second caller (explain) the compiler would
// otherwise call them out of line on the answer path. One template over how health is read, so the answer path (live atomics) and the
// admin tools (a drain or force that is not applied yet: the safety rule, the dry-run)
// decide with the same code. Fixed-size scratch only: no allocation, no locks.
#pragma once

#include <cstdint>
#include <vector>

#include "zones/steered_record.hpp"

namespace lodestar::engine {

/// Health as the answer path reads it: the endpoint's force, and its cell only when not forced.
struct LiveHealth {
  bool drained(const zones::PoolMembers& m) const noexcept { return m.drained(); }
  health::Health endpoint(const zones::PoolMembers&, const zones::Endpoint& e) const noexcept { return e.health(); }
  health::Health alias(const zones::PoolMembers& m) const noexcept { return m.cnameHealth(); }
};

inline constexpr unsigned kMaxChosen = 16;
inline constexpr unsigned kMaxAddresses = 512;  // addresses one answer can list (far past any UDP answer)

// Each endpoint's health is read once per query, into these: every later decision uses the
// same reading, so an answer agrees with itself while probes change states underneath.
struct Picked {
  const zones::Endpoint* at[kMaxAddresses];
  unsigned count = 0;
};

// One region as this query saw it. No default values: arrays of these stay uninitialised
// until a look fills them.
struct Look {
  const zones::PoolMembers* members;
  unsigned first;   // its up endpoints are Picked::at[first, first + listed)
  unsigned listed;
  bool usable;      // enough endpoints of the family up (a CNAME region: its target up)
  bool degraded;
};

struct Choice {
  Look regions[kMaxChosen];
  unsigned count = 0;
  bool failOpen = false;  // answer every endpoint of regions[0], whatever its health
  const zones::Endpoint* single = nullptr;  // weighted by endpoint: just this one
  uint8_t narrowScope = 128;  // spill-over depends on the client's /24 or /48: the ECS scope
};

// A region serves this family when it has at least `minHealthy` endpoints of it up. Its up
// endpoints stay in `p` only when it does.
template <class H>
[[gnu::always_inline]] inline Look look(const zones::PoolMembers* m, bool v6, unsigned minHealthy, const H& h,
                                        Picked& p) noexcept {
  Look l{m, p.count, 0, false, false};
  if (!m || h.drained(*m)) return l;
  if (!m->cname.empty()) {
    const health::Health a = h.alias(*m);
    l.usable = a.up;
    l.degraded = a.degraded;
    return l;
  }
  const auto& list = m->family(v6);
  unsigned up = 0;
  for (const auto& e : list) {
    const health::Health eh = h.endpoint(*m, e);
    l.degraded |= eh.degraded;
    if (!eh.up) continue;
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
inline uint32_t clientHash(const wire::Address& a) noexcept {
  const unsigned bytes = a.family == wire::Family::IPv4 ? 3 : 6;
  uint32_t hash = 2166136261u;
  for (unsigned i = 0; i < bytes; ++i) hash = (hash ^ a.bytes[i]) * 16777619u;
  return hash;
}

// No region is usable: the first with endpoints of this family (or an alias) answers with
// all of them; with `preferUndrained`, a drained region only when no other has any.
template <class H>
[[gnu::always_inline]] inline void failOpen(const zones::Pool& pool, const std::vector<zones::RegionId>& ids, bool v6, bool preferUndrained,
              const H& h, Choice& c) noexcept {
  for (int pass = preferUndrained ? 0 : 1; pass < 2; ++pass) {
    for (zones::RegionId id : ids) {
      const zones::PoolMembers* m = pool.members(id);
      if (m && (pass == 1 || !h.drained(*m)) && (!m->family(v6).empty() || !m->cname.empty())) {
        c.regions[c.count++] = Look{m, 0, 0, false, true};
        c.failOpen = true;
        return;
      }
    }
  }
}

// geo, nearest, failover: the first usable regions of the order (or a spill target).
template <class H>
[[gnu::always_inline]] inline void chooseOrdered(const zones::SteeredRecord& s, const std::vector<zones::RegionId>& order, bool v6,
                   const wire::Address& who, const H& h, Picked& p, Choice& c) noexcept {
  const auto& pool = *s.pool;
  const Look preferred = look(pool.members(order.front()), v6, s.minHealthy, h, p);
  if (s.spill && !preferred.usable) {
    // Spread this region's clients over the next `spill` usable regions, by capacity.
    Look candidates[kMaxChosen];
    unsigned n = 0;
    uint64_t total = 0;
    for (size_t i = 1; i < order.size() && n < s.spill && n < kMaxChosen; ++i) {
      const Look l = look(pool.members(order[i]), v6, s.minHealthy, h, p);
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
      c.narrowScope = who.family == wire::Family::IPv4 ? 24 : 48;  // the choice depends on those bits
      return;
    }
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const Look l = i == 0 ? preferred : look(pool.members(order[i]), v6, s.minHealthy, h, p);
    if (!l.usable) continue;
    c.regions[c.count++] = l;
    if (c.count >= s.maxRegions || c.count >= kMaxChosen) return;
  }
  if (!c.count) failOpen(pool, order, v6, true, h, c);
}

// weighted: a usable region at random by weight; inside it, one endpoint by weight if the
// pool gives endpoint weights.
template <class H>
[[gnu::always_inline]] inline void chooseWeighted(const zones::SteeredRecord& s, bool v6, uint32_t entropy, const H& h, Picked& p,
                    Choice& c) noexcept {
  const auto& pool = *s.pool;
  Look looks[zones::kMaxPoolRegions];
  unsigned n = 0;
  uint64_t total = 0;
  for (zones::RegionId id : pool.regions) {
    if (n == zones::kMaxPoolRegions) break;  // the loader allows no more
    looks[n] = look(pool.members(id), v6, s.minHealthy, h, p);
    if (looks[n].usable) total += s.regionWeights[id];
    ++n;
  }
  if (total == 0) {
    failOpen(pool, pool.regions, v6, false, h, c);
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
    const zones::Endpoint* e = p.at[chosen->first + i];
    if (at < e->weight) {
      c.single = e;
      return;
    }
    at -= e->weight;
  }
}

// all: every usable region's up endpoints land in `p` (address regions only); returns
// whether any endpoint is up. `degraded` tells whether a usable region has one not up.
template <class H>
bool lookAll(const zones::SteeredRecord& s, bool v6, const H& h, Picked& p, bool& degraded) noexcept {
  degraded = false;
  for (zones::RegionId id : s.pool->regions) {
    const zones::PoolMembers* m = s.pool->members(id);
    if (m && !m->cname.empty()) continue;
    const Look l = look(m, v6, s.minHealthy, h, p);
    if (l.usable) degraded = degraded || l.degraded;
  }
  return p.count > 0;
}

/// The choice for a client of `decision` (an index into the record's orders) at `who`, with
/// `entropy` for the weighted policy. For the `all` policy, regions holds none: see lookAll.
template <class H>
void chooseRegions(const zones::SteeredRecord& s, uint32_t decision, bool v6, const wire::Address& who,
                   uint32_t entropy, const H& h, Picked& p, Choice& c) noexcept {
  if (s.policy == zones::PolicyKind::Weighted) chooseWeighted(s, v6, entropy, h, p, c);
  else if (s.policy != zones::PolicyKind::All) chooseOrdered(s, (*s.orders)[decision], v6, who, h, p, c);
}

}  // namespace lodestar::engine
