// The steering stage: locate the client, choose regions (region_choice.hpp) with live
// health, write the answer.
#include "dns/engine/steering.hpp"

#include "dns/engine/region_choice.hpp"

namespace lodestar::engine {

namespace {

using zones::PoolMembers;
using zones::SteeredRecord;

// all: every healthy endpoint of the usable regions, rotated, capped at max_answers.
bool answerAll(Response& r, AnswerContext& a, const Client& client, const SteeredRecord& s, bool v6, uint16_t type,
               size_t ownerOffset, std::string_view owner, Picked& p) noexcept {
  bool degraded = false;
  if (!lookAll(s, v6, LiveHealth{}, p, degraded)) {
    a.steering.failOpen = true;
    if (s.allDown == zones::AllDown::NoData) return false;
    degraded = true;
    for (zones::RegionId id : s.pool->regions)
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

// The regions chosen, into the context, first choice first; whether any of them (or the
// answer, failing open) is degraded. One pass over the choice serves both.
bool record(AnswerContext& a, const Choice& c) noexcept {
  static_assert(kMaxChosen <= kMaxRegionsChosen, "every region chosen fits the context");
  bool degraded = c.failOpen;
  a.steering.failOpen = c.failOpen;
  for (unsigned i = 0; i < c.count; ++i) {
    a.steering.regions[i] = c.regions[i].members->region;
    degraded |= c.regions[i].degraded;
  }
  a.steering.regionCount = static_cast<uint8_t>(c.count);
  return degraded;
}

}  // namespace

bool answerSteered(Response& r, AnswerContext& a, const wire::Query& q, const Client& client, const zones::Node& node,
                   size_t ownerOffset) noexcept {
  const SteeredRecord& s = *node.steer;
  const std::string_view owner = node.name;
  a.steering.record = &s;
  a.steering.regionCount = 0;
  a.steering.failOpen = false;
  const bool v6 = q.qtype == wire::rrtype::AAAA;
  // No region has anything for this family: NODATA for every client, so the answer holds
  // for all of them (ECS scope 0) and the client's location is never looked up.
  if (!s.pool->answersFamily[v6] && q.qtype != wire::rrtype::ANY) return false;
  const uint16_t type = v6 ? wire::rrtype::AAAA : wire::rrtype::A;
  // ECS when the resolver sent a usable subnet; source prefix 0 means "decide by my address".
  const bool useEcs = q.hasEcs && q.ecs.sourcePrefix > 0;
  const wire::Address& who = useEcs ? q.ecs.address : client.source;
  const geo::DecisionTree::Result decision = s.tree->find(who);
  // The ECS scope: the bits of the subnet the decision read, and more where the choice read
  // more (spill-over). Without ECS there is no scope to narrow, and q.ecs holds nothing.
  uint8_t scope = decision.scope;

  Picked picked;
  Choice c;
  switch (s.policy) {
    case zones::PolicyKind::Weighted:
      chooseWeighted(s, v6, client.draw(), LiveHealth{}, picked, c);
      break;
    case zones::PolicyKind::All:
      if (useEcs) r.narrowScope(scope);
      return answerAll(r, a, client, s, v6, type, ownerOffset, owner, picked);
    default:
      chooseOrdered(s, (*s.orders)[decision.decision], v6, who, LiveHealth{}, picked, c);
      if (c.narrowScope < 128 && c.narrowScope > scope) scope = c.narrowScope;
  }
  if (useEcs) r.narrowScope(scope);
  if (c.count == 0) return false;  // no region has endpoints of this family
  const bool degraded = record(a, c);
  if (c.failOpen && s.allDown == zones::AllDown::NoData) return false;
  const PoolMembers& first = *c.regions[0].members;
  if (!first.cname.empty()) {
    // A CNAME region: the alias alone answers; the resolver follows it.
    const uint32_t ttl = (c.failOpen || c.regions[0].degraded) ? s.ttlDegraded : s.ttl;
    return r.cname(ownerOffset, owner, ttl, first.cname), true;
  }
  if (q.qtype == wire::rrtype::CNAME) return false;  // an address region has no alias
  const uint32_t ttl = degraded ? s.ttlDegraded : s.ttl;
  if (c.single) return r.address(ownerOffset, owner, type, ttl, c.single->address), true;
  if (c.failOpen) {
    for (const auto& e : first.family(v6)) r.address(ownerOffset, owner, type, ttl, e.address);
    return true;
  }
  for (unsigned i = 0; i < c.count; ++i) {
    const zones::Endpoint* const* run = picked.at + c.regions[i].first;
    if (!r.addresses(ownerOffset, owner, type, ttl, c.regions[i].listed,
                     [run](unsigned k) -> const wire::Address& { return run[k]->address; }))
      break;
  }
  return true;
}

}  // namespace lodestar::engine
