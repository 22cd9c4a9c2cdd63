// The answer pipeline, in order: parse, early exits, zone lookup, node lookup, collect
// (answer / CNAME chain / referral / negative), encode with truncation. RCODEs are decided
// here and nowhere else.
#include "dns/engine/answer.hpp"

#include <algorithm>

#include "dns/wire/query.hpp"
#include "dns/wire/writer.hpp"
#include "zones/view.hpp"
#include "zones/wire_name.hpp"

namespace lodestar::dns {

namespace {

using zones::Node;
using zones::RRset;
using zones::Zone;

constexpr unsigned kMaxCnameChain = 8;
constexpr size_t kQuestionOffset = kHeaderSize;
// OPT: root name, type, class, TTL, RDLENGTH + an ECS option with an IPv6 address.
constexpr size_t kOptReserve = 11 + 4 + 4 + 16;

enum Section { Answer = 0, Authority = 1, Additional = 2 };

// Builds one response; owns the section counts and the truncation rule.
class Response {
 public:
  Response(uint8_t* out, size_t capacity, const Query& q) noexcept : w_(out, capacity), q_(q) {}

  // Header and, when the query had one we could read, the question echoed as sent.
  void begin(size_t limit) noexcept {
    w_.setLimit(limit);
    if (q_.hasEdns) w_.reserve(kOptReserve);
    w_.u16(q_.id);
    w_.u16(0);  // flags, set in finish()
    w_.u16(q_.hasQuestion ? 1 : 0);
    w_.u16(0);
    w_.u16(0);
    w_.u16(0);
    if (q_.hasQuestion) {
      w_.bytes(q_.qname.bytes, q_.qname.length);
      w_.u16(q_.qtype);
      w_.u16(q_.qclass);
      w_.rememberName(kQuestionOffset);
    }
    afterQuestion_ = w_.mark();
  }

  void setAuthoritative() noexcept { aa_ = true; }
  /// The ECS scope the answer holds for; the narrowest of the decisions taken.
  void narrowScope(uint8_t scope) noexcept { scope_ = scope > scope_ ? scope : scope_; }
  void setRcode(Rcode r) noexcept { rcode_ = r; }

  // Offset of the qname's suffix `lowerName` (which must be one) for a compression pointer.
  size_t qnameOffsetOf(std::string_view lowerName) const noexcept {
    return kQuestionOffset + static_cast<size_t>(zones::suffixOffset(q_.qnameLower.view(), lowerName));
  }

  // Writes every record of `set`. The owner is a pointer when `ownerOffset` is non-zero,
  // else the wire name `owner`. Returns false when the RRset did not fit.
  bool rrset(Section s, size_t ownerOffset, std::string_view owner, const RRset& set, uint32_t ttl) noexcept {
    if (truncated_) return false;
    for (const auto& rdata : set.rdata) {
      Writer::Mark m = w_.mark();
      if (ownerOffset) w_.pointer(ownerOffset);
      else w_.name(owner);
      w_.u16(set.type);
      w_.u16(rrclass::IN);
      w_.u32(ttl);
      size_t rdlengthAt = w_.size();
      w_.u16(0);
      writeRdata(set.type, rdata);
      if (w_.overflowed()) {
        w_.rollback(m);
        // Missing additional data is fine; a missing answer or authority record is not.
        if (s != Additional) truncate();
        return false;
      }
      w_.patch16(rdlengthAt, static_cast<uint16_t>(w_.size() - rdlengthAt - 2));
      ++counts_[s];
    }
    return true;
  }

  // A and AAAA records straight from a pool's addresses. False when they did not fit.
  bool addresses(size_t ownerOffset, std::string_view owner, uint16_t type, uint32_t ttl,
                 const std::vector<geo::Address>& list) noexcept {
    if (truncated_) return false;
    const size_t len = type == rrtype::A ? 4 : 16;
    for (const auto& a : list) {
      Writer::Mark m = w_.mark();
      if (ownerOffset) w_.pointer(ownerOffset);
      else w_.name(owner);
      w_.u16(type);
      w_.u16(rrclass::IN);
      w_.u32(ttl);
      w_.u16(static_cast<uint16_t>(len));
      w_.bytes(a.bytes.data(), len);
      if (w_.overflowed()) {
        w_.rollback(m);
        truncate();
        return false;
      }
      ++counts_[Answer];
    }
    return true;
  }

  size_t finish() noexcept {
    w_.releaseReserve();
    if (q_.hasEdns) writeOpt();
    uint16_t flags = 0x8000 | (q_.flags & 0x7800) /* opcode */ | (q_.flags & 0x0100) /* RD */ |
                     (q_.flags & 0x0010) /* CD */;
    if (aa_) flags |= 0x0400;
    if (truncated_) flags |= 0x0200;
    flags |= static_cast<uint16_t>(rcode_) & 0x0F;
    w_.patch16(2, flags);
    w_.patch16(6, counts_[Answer]);
    w_.patch16(8, counts_[Authority]);
    w_.patch16(10, static_cast<uint16_t>(counts_[Additional] + (q_.hasEdns ? 1 : 0)));
    return w_.size();
  }

  bool truncated() const noexcept { return truncated_; }
  Rcode rcode() const noexcept { return rcode_; }

 private:
  void truncate() noexcept {
    // Send only the question (and OPT): the resolver retries over TCP (RFC 7766).
    truncated_ = true;
    w_.rollback(afterQuestion_);
    counts_[Answer] = counts_[Authority] = counts_[Additional] = 0;
  }

  void writeRdata(uint16_t type, std::string_view rd) noexcept {
    // Only the well-known types of RFC 1035 may be compressed (RFC 3597 section 4).
    switch (type) {
      case rrtype::NS:
      case rrtype::CNAME:
      case rrtype::PTR:
        w_.name(rd);
        break;
      case rrtype::MX:
        w_.bytes(rd.substr(0, 2));
        w_.name(rd.substr(2));
        break;
      case rrtype::SOA: {
        size_t m = zones::wireNameLength(rd);
        size_t r = zones::wireNameLength(rd.substr(m));
        w_.name(rd.substr(0, m));
        w_.name(rd.substr(m, r));
        w_.bytes(rd.substr(m + r));
        break;
      }
      default:
        w_.bytes(rd);
    }
  }

  void writeOpt() noexcept {
    uint16_t extended = static_cast<uint16_t>(rcode_) >> 4;
    w_.u8(0);
    w_.u16(rrtype::OPT);
    w_.u16(kAdvertisedUdpPayload);
    w_.u32(uint32_t(extended) << 24);  // version 0, DO clear: we do not sign
    bool echoEcs = q_.hasEcs && rcode_ != Rcode::FormErr;
    if (!echoEcs) {
      w_.u16(0);
      return;
    }
    // RFC 7871 section 7.2.1: same family, source prefix and address; our scope.
    unsigned addressBytes = (q_.ecs.sourcePrefix + 7u) / 8u;
    w_.u16(static_cast<uint16_t>(8 + addressBytes));
    w_.u16(ednsopt::ClientSubnet);
    w_.u16(static_cast<uint16_t>(4 + addressBytes));
    w_.u16(static_cast<uint16_t>(q_.ecs.family));
    w_.u8(q_.ecs.sourcePrefix);
    w_.u8(scope_);
    w_.bytes(q_.ecs.address.bytes.data(), addressBytes);
  }

  Writer w_;
  const Query& q_;
  Writer::Mark afterQuestion_{};
  uint16_t counts_[3] = {0, 0, 0};
  Rcode rcode_ = Rcode::NoError;
  uint8_t scope_ = 0;  // static data holds for every client
  bool aa_ = false;
  bool truncated_ = false;
};

// SOA of the zone in the authority section, for NXDOMAIN and NODATA (RFC 2308).
void negative(Response& r, const Zone& zone) noexcept {
  r.rrset(Authority, r.qnameOffsetOf(zone.apex()), {}, zone.soa(), zone.negativeTtl());
}

// A delegation: the child's NS set and its glue, not authoritative (RFC 1034 4.3.2).
void referral(Response& r, const Node& cut) noexcept {
  r.rrset(Authority, r.qnameOffsetOf(cut.name), {}, *cut.find(rrtype::NS), cut.find(rrtype::NS)->ttl);
  for (const Node* glue : cut.glue) {
    for (uint16_t type : {rrtype::A, rrtype::AAAA})
      if (const RRset* set = glue->find(type)) r.rrset(Additional, 0, glue->name, *set, set->ttl);
  }
}

// A steered name: locate the client, let the policy order the regions, answer with the
// first region's endpoints. Returns false for NODATA (the region has none of this family).
bool steer(Response& r, const Query& q, const Client& client, const zones::SteeredRecord& s, size_t ownerOffset,
           std::string_view owner) noexcept {
  // ECS when the resolver sent a usable subnet; source prefix 0 means "decide by my address".
  const bool useEcs = q.hasEcs && q.ecs.sourcePrefix > 0;
  const geo::Address& who = useEcs ? q.ecs.address : client.source;
  geo::DecisionTree::Result decision = s.tree->find(who);
  if (useEcs) r.narrowScope(decision.scope);
  const auto& order = (*s.orders)[decision.decision];
  // Orders hold only regions where the pool has endpoints; health filtering comes here.
  const zones::PoolMembers* members = s.pool->members(order.front());
  const uint16_t type = q.qtype == rrtype::AAAA ? rrtype::AAAA : rrtype::A;
  const auto& list = type == rrtype::A ? members->ipv4 : members->ipv6;
  if (list.empty()) return false;
  r.addresses(ownerOffset, owner, type, s.ttl, list);
  return true;
}

// The node's data for the question, following CNAMEs inside the zone.
void collect(Response& r, const Query& q, const Client& client, const Zone& zone, const Node* node) noexcept {
  r.setAuthoritative();
  size_t ownerOffset = kQuestionOffset;
  for (unsigned depth = 0;; ++depth) {
    if (node->steer && (q.qtype == rrtype::A || q.qtype == rrtype::AAAA || q.qtype == rrtype::ANY)) {
      if (!steer(r, q, client, *node->steer, ownerOffset, node->name)) negative(r, zone);
      return;
    }
    if (q.qtype == rrtype::ANY) {
      // RFC 8482: one RRset, never all of them.
      if (node->rrsets.empty()) return negative(r, zone);
      const RRset& first = node->rrsets.front();
      r.rrset(Answer, ownerOffset, node->name, first, first.ttl);
      return;
    }
    if (const RRset* set = node->find(q.qtype)) {
      r.rrset(Answer, ownerOffset, node->name, *set, set->ttl);
      return;
    }
    const RRset* cname = node->find(rrtype::CNAME);
    if (!cname) return negative(r, zone);
    if (!r.rrset(Answer, ownerOffset, node->name, *cname, cname->ttl)) return;
    if (!node->cnameTargetInZone || depth + 1 >= kMaxCnameChain) return;  // the resolver goes on
    if (!node->cnameTarget) {
      // RFC 6604: the rcode follows the last name in the chain.
      r.setRcode(Rcode::NxDomain);
      return negative(r, zone);
    }
    node = node->cnameTarget;
    ownerOffset = 0;
  }
}

// Finds what the zone holds for the qname and fills the sections.
void resolve(Response& r, const Query& q, const Client& client, const Zone& zone) noexcept {
  std::string_view name = q.qnameLower.view();
  const Node* node = zone.find(name);
  if (node) {
    bool atCut = node->cut == node;
    if (node->cut && !(atCut && q.qtype == rrtype::DS)) return referral(r, *node->cut);
    return collect(r, q, client, zone, node);
  }
  // The closest encloser exists (empty non-terminals are nodes; the apex always is).
  do {
    name = zones::parentName(name);
    node = zone.find(name);
  } while (!node && name.size() > zone.apex().size());
  if (node && node->cut) return referral(r, *node->cut);
  r.setAuthoritative();
  r.setRcode(Rcode::NxDomain);
  negative(r, zone);
}

}  // namespace

size_t answerQuery(const uint8_t* data, size_t size, const Client& client, const zones::View& view, uint8_t* out,
                   size_t outCapacity, QueryStats& stats, uint16_t udpLimit) noexcept {
  Query q;
  ++stats.received;
  ParseResult parsed = parseQuery(data, size, q);
  if (parsed == ParseResult::Drop || outCapacity < kHeaderSize) {
    ++stats.dropped;
    return 0;
  }
  size_t limit = outCapacity;
  if (client.transport == Transport::Udp) {
    size_t clientLimit = q.hasEdns ? q.udpPayload : kClassicUdpPayload;
    limit = std::min({limit, clientLimit, size_t(std::max<uint16_t>(udpLimit, kClassicUdpPayload))});
  }
  Response r(out, outCapacity, q);
  r.begin(limit);

  if (parsed == ParseResult::FormErr) {
    r.setRcode(Rcode::FormErr);
  } else if (parsed == ParseResult::NotImp) {
    r.setRcode(Rcode::NotImp);
  } else if (q.hasEdns && q.ednsVersion > 0) {
    r.setRcode(Rcode::BadVers);  // RFC 6891 6.1.3
  } else if (q.qclass != rrclass::IN || q.qtype == rrtype::AXFR || q.qtype == rrtype::IXFR) {
    r.setRcode(Rcode::Refused);  // no other classes; no zone transfers
  } else if (const Zone* zone = view.findZone(q.qnameLower.view())) {
    resolve(r, q, client, *zone);
  } else {
    r.setRcode(Rcode::Refused);  // not ours: we are never a recursive server
  }

  size_t length = r.finish();
  if (parsed == ParseResult::Ok) stats.countQtype(q.qtype);
  if (q.hasEcs) ++stats.withEcs;
  if (r.truncated()) ++stats.truncated;
  ++stats.byRcode[static_cast<size_t>(r.rcode()) % stats.byRcode.size()];
  return length;
}

}  // namespace lodestar::dns
