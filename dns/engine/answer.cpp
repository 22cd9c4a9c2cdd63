// The answer pipeline, in order: parse, early exits, zone lookup, node lookup, collect
// (answer / CNAME chain / referral / negative), encode with truncation. RCODEs are decided
// here and nowhere else.
#include "dns/engine/answer.hpp"

#include <algorithm>

#include "dns/engine/response.hpp"
#include "dns/engine/steering.hpp"
#include "dns/wire/query.hpp"
#include "zones/view.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::engine {

namespace {

using zones::Node;
using zones::RRset;
using zones::Zone;

constexpr unsigned kMaxCnameChain = 8;

// Where the zone's apex is in the question, which lies in the zone: its last bytes.
size_t apexOffset(const wire::Query& q, const Zone& zone) noexcept {
  return kQuestionOffset + q.qnameLower.length - zone.apex().size();
}

// SOA of the zone in the authority section, for NXDOMAIN and NODATA (RFC 2308).
void negative(Response& r, const wire::Query& q, const Zone& zone) noexcept {
  const size_t apex = apexOffset(q, zone);
  if (!r.prerendered(Authority, zone.negativeSoa(), apex, apex) && !r.truncated())
    r.rrset(Authority, apex, {}, zone.soa(), zone.negativeTtl());
}

// A delegation: the child's NS set and its glue, not authoritative (RFC 1034 4.3.2).
void referral(Response& r, const wire::Query& q, const Zone& zone, const Node& cut) noexcept {
  r.rrset(Authority, r.qnameOffsetOf(cut.name), apexOffset(q, zone), cut.name, *cut.find(wire::rrtype::NS));
  for (const Node* glue : cut.glue) {
    for (uint16_t type : {wire::rrtype::A, wire::rrtype::AAAA})
      if (const RRset* set = glue->find(type)) r.rrset(Additional, 0, glue->name, *set, set->ttl);
  }
}

// The node's data for the question, following CNAMEs inside the zone.
[[gnu::always_inline]] inline void collect(Response& r, const wire::Query& q, const Client& client, const Zone& zone, const Node* node,
             QueryStats& stats) noexcept {
  r.setAuthoritative();
  const size_t apex = apexOffset(q, zone);
  size_t ownerOffset = kQuestionOffset;
  for (unsigned depth = 0;; ++depth) {
    if (node->steer && (q.qtype == wire::rrtype::A || q.qtype == wire::rrtype::AAAA || q.qtype == wire::rrtype::ANY ||
                        q.qtype == wire::rrtype::CNAME)) {
      if (!answerSteered(r, q, client, *node->steer, ownerOffset, node->name, stats)) negative(r, q, zone);
      return;
    }
    if (q.qtype == wire::rrtype::ANY) {
      // RFC 8482: one RRset, never all of them.
      if (node->rrsets.empty()) return negative(r, q, zone);
      r.rrset(Answer, ownerOffset, apex, node->name, node->rrsets.front());
      return;
    }
    if (const RRset* set = node->find(q.qtype)) {
      r.rrset(Answer, ownerOffset, apex, node->name, *set);
      return;
    }
    const RRset* cname = node->find(wire::rrtype::CNAME);
    if (!cname) return negative(r, q, zone);
    if (!r.rrset(Answer, ownerOffset, apex, node->name, *cname)) return;
    if (!node->cnameTargetInZone || depth + 1 >= kMaxCnameChain) return;  // the resolver goes on
    if (!node->cnameTarget) {
      // RFC 6604: the rcode follows the last name in the chain.
      r.setRcode(wire::Rcode::NxDomain);
      return negative(r, q, zone);
    }
    node = node->cnameTarget;
    // The target's owner name is the CNAME's RDATA just written: point at it rather than
    // search the message for it again.
    ownerOffset = r.lastRdataName();
  }
}

// The qname is `node` of `zone`: a referral or the node's data. Inlined into the usual
// path of answerQuery(): a call with six arguments costs more than the choice it makes.
[[gnu::always_inline]] inline void resolveNode(Response& r, const wire::Query& q, const Client& client, const Zone& zone, const Node* node,
                 QueryStats& stats) noexcept {
  bool atCut = node->cut == node;
  if (node->cut && !(atCut && q.qtype == wire::rrtype::DS)) return referral(r, q, zone, *node->cut);
  collect(r, q, client, zone, node, stats);
}

// Finds what the zone holds for the qname and fills the sections.
void resolve(Response& r, const wire::Query& q, const Client& client, const Zone& zone, QueryStats& stats) noexcept {
  std::string_view name = q.qnameLower.view();
  const Node* node = zone.find(name);
  if (node) return resolveNode(r, q, client, zone, node, stats);
  // The closest encloser exists (empty non-terminals are nodes; the apex always is).
  do {
    name = wire::parentName(name);
    node = zone.find(name);
  } while (!node && name.size() > zone.apex().size());
  if (node && node->cut) return referral(r, q, zone, *node->cut);
  r.setAuthoritative();
  r.setRcode(wire::Rcode::NxDomain);
  negative(r, q, zone);
}

}  // namespace

size_t answerQuery(const uint8_t* data, size_t size, const Client& client, const zones::View& view, uint8_t* out,
                   size_t outCapacity, QueryStats& stats, uint16_t udpLimit) noexcept {
  wire::Query q;
  ++stats.received;
  wire::ParseResult parsed = wire::parseQuery(data, size, q);
  if (parsed == wire::ParseResult::Drop || outCapacity < wire::kHeaderSize) {
    ++stats.dropped;
    return 0;
  }
  size_t limit = outCapacity;
  if (client.transport == Transport::Udp) {
    size_t clientLimit = q.hasEdns ? q.udpPayload : wire::kClassicUdpPayload;
    limit = std::min({limit, clientLimit, size_t(std::max<uint16_t>(udpLimit, wire::kClassicUdpPayload))});
  }
  Response r(out, outCapacity, q);
  r.begin(limit);

  if (parsed == wire::ParseResult::FormErr) {
    r.setRcode(wire::Rcode::FormErr);
  } else if (parsed == wire::ParseResult::NotImp) {
    r.setRcode(wire::Rcode::NotImp);
  } else if (q.hasEdns && q.ednsVersion > 0) {
    r.setRcode(wire::Rcode::BadVers);  // RFC 6891 6.1.3
  } else if (q.qclass != wire::rrclass::IN || q.qtype == wire::rrtype::AXFR || q.qtype == wire::rrtype::IXFR) {
    r.setRcode(wire::Rcode::Refused);  // no other classes; no zone transfers
  } else if (const zones::View::NameHit* hit = view.findName(q.qnameLower.view(), q.qnameHash)) {
    resolveNode(r, q, client, *hit->zone, hit->node, stats);  // the usual case: one lookup
  } else if (const Zone* zone = view.findZone(q.qnameLower.view())) {
    resolve(r, q, client, *zone, stats);
  } else {
    r.setRcode(wire::Rcode::Refused);  // not ours: we are never a recursive server
  }

  size_t length = r.finish();
  if (parsed == wire::ParseResult::Ok) stats.countQtype(q.qtype);
  if (q.hasEcs) ++stats.withEcs;
  if (r.truncated()) ++stats.truncated;
  ++stats.byRcode[static_cast<size_t>(r.rcode()) % stats.byRcode.size()];
  return length;
}

}  // namespace lodestar::engine
