// Zone-wide checks and compilation into the lookup form the engine reads.
#include "zones/zone_builder.hpp"

#include "dns/wire/constants.hpp"

#include <algorithm>

#include "dns/wire/name_text.hpp"
#include "dns/wire/rr_type.hpp"

namespace lodestar::zones {

namespace {

uint32_t readU32(std::string_view s, size_t at) {
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 |
         uint8_t(s[at + 3]);
}

// A "*" label: RFC 4592 wildcards are not served yet, and a literal "*" would match nothing
// but the name "*" itself, silently.
bool hasWildcardLabel(std::string_view wire) {
  for (size_t at = 0; at < wire.size() && wire[at] != 0; at += 1 + static_cast<unsigned char>(wire[at]))
    if (wire[at] == 1 && at + 1 < wire.size() && wire[at + 1] == '*') return true;
  return false;
}
}  // namespace

ZoneBuilder::ZoneBuilder(std::string_view apexWire, yaml::SourceLocation where)
    : apex_(wire::lowercaseWire(apexWire)), where_(std::move(where)) {}

ZoneBuilder::Where ZoneBuilder::compact(const yaml::SourceLocation& where) {
  auto it = std::find(files_.rbegin(), files_.rend(), where.file);
  if (it == files_.rend()) {
    files_.push_back(where.file);
    it = files_.rbegin();
  }
  return {static_cast<uint32_t>(files_.rend() - it - 1), where.line, where.column};
}

yaml::SourceLocation ZoneBuilder::full(const Where& where) const { return {files_.at(where.file), where.line, where.column}; }

ZoneBuilder::PendingRRset* ZoneBuilder::PendingNode::find(uint16_t type) noexcept {
  for (auto& set : rrsets)
    if (set.type == type) return &set;
  return nullptr;
}

bool ZoneBuilder::ownerFits(const std::string& owner, const yaml::SourceLocation& where, yaml::Diagnostics& diags) const {
  if (!wire::isSubdomain(owner, apex_)) {
    diags.error(where, "owner " + wire::nameToText(owner) + " is outside the zone " + wire::nameToText(apex_));
    return false;
  }
  if (hasWildcardLabel(owner)) {
    diags.error(where, "wildcard owner " + wire::nameToText(owner) + ": wildcards are not supported yet (a '*' label "
                       "would be served only for the literal name '*')");
    return false;
  }
  return true;
}

void ZoneBuilder::add(std::string_view ownerWire, uint16_t type, uint32_t ttl, std::string rdata,
                      const yaml::SourceLocation& where, yaml::Diagnostics& diags) {
  std::string owner = wire::lowercaseWire(ownerWire);
  if (!ownerFits(owner, where, diags)) return;
  if (type == wire::rrtype::OPT || type == wire::rrtype::DNAME || type == 0 || (type >= 128 && type <= 255)) {
    diags.error(where, "record type " + wire::rrTypeName(type) + " cannot be served from zone data");
    return;
  }
  if (ttl > wire::kMaxTtl) {
    diags.error(where, "TTL " + std::to_string(ttl) + " is out of range (at most 2147483647)");
    return;
  }
  if (rdata.size() > 65535) {
    diags.error(where, wire::rrTypeName(type) + " data of " + std::to_string(rdata.size()) +
                           " bytes; a record holds at most 65,535 (split long text over several records)");
    return;
  }
  if (type == wire::rrtype::SOA && owner != apex_) {
    diags.error(where, "SOA record at " + wire::nameToText(owner) + " is not at the zone apex " + wire::nameToText(apex_));
    return;
  }
  PendingNode& node = nodes_[owner];
  if (node.steer && (type == wire::rrtype::A || type == wire::rrtype::AAAA || type == wire::rrtype::CNAME)) {
    diags.error(where, wire::nameToText(owner) + " is steered (line " + std::to_string(node.steerWhere.line) +
                           "); it cannot also have static " + wire::rrTypeName(type) + " records");
    return;
  }
  // CNAME and other data cannot share a name (RFC 1034 section 3.6.2).
  bool hasCname = node.find(wire::rrtype::CNAME) != nullptr;
  bool hasOther = node.rrsets.size() > (hasCname ? 1u : 0u);
  if ((type == wire::rrtype::CNAME && hasOther) || (type != wire::rrtype::CNAME && hasCname)) {
    const auto other = full(node.rrsets.front().where);
    diags.error(where, "CNAME beside other data at " + wire::nameToText(owner) + " (other data at line " +
                           std::to_string(other.line) + " of " + other.file + ")");
    return;
  }
  PendingRRset* found = node.find(type);
  if (!found) {
    auto at = std::find_if(node.rrsets.begin(), node.rrsets.end(), [type](const PendingRRset& s) { return s.type > type; });
    found = &*node.rrsets.insert(at, PendingRRset{type, ttl, {}, compact(where), 0});
  } else if (type == wire::rrtype::CNAME || type == wire::rrtype::SOA) {
    diags.error(where, "a second " + wire::rrTypeName(type) + " record at " + wire::nameToText(owner) +
                           " (only one is allowed)");
    return;
  } else if (ttl != found->ttl) {
    // RFC 2181 section 5.2: one TTL per RRset; keep the lowest so no cache holds data too long.
    diags.warning(where, "TTL " + std::to_string(ttl) + " differs from the RRset's TTL " +
                             std::to_string(found->ttl) + "; using the lower");
    found->ttl = std::min(ttl, found->ttl);
  }
  PendingRRset& set = *found;
  if (std::find(set.rdata.begin(), set.rdata.end(), rdata) != set.rdata.end()) {
    diags.warning(where, "duplicate record " + wire::rrTypeName(type) + " at " + wire::nameToText(owner) + " ignored");
    return;
  }
  // The whole RRset must fit one answer even over TCP: header, question, then each record
  // as a compressed owner (2), type, class, TTL, length (10) and its data.
  const size_t record = 12 + rdata.size();
  if (wire::kHeaderSize + owner.size() + 4 + set.answerBytes + record > wire::kMaxMessageSize) {
    diags.error(where, "the " + wire::rrTypeName(type) + " records at " + wire::nameToText(owner) +
                           " would not fit in one DNS message (65,535 bytes, even over TCP), so they could "
                           "never be answered");
    return;
  }
  set.answerBytes += record;
  set.rdata.push_back(std::move(rdata));
}

const Pool* ZoneBuilder::addPool(std::unique_ptr<Pool> pool) {
  pools_.push_back(std::move(pool));
  return pools_.back().get();
}

void ZoneBuilder::addSteered(std::string_view ownerWire, SteeredRecord record, const yaml::SourceLocation& where,
                             yaml::Diagnostics& diags) {
  std::string owner = wire::lowercaseWire(ownerWire);
  if (!ownerFits(owner, where, diags)) return;
  PendingNode& node = nodes_[owner];
  for (uint16_t t : {wire::rrtype::A, wire::rrtype::AAAA, wire::rrtype::CNAME}) {
    if (const PendingRRset* set = node.find(t)) {
      const auto other = full(set->where);
      diags.error(where, wire::nameToText(owner) + " has static " + wire::rrTypeName(t) + " data (" + other.file + ":" +
                             std::to_string(other.line) + "); a steered name cannot also have static A, AAAA or CNAME records");
      return;
    }
  }
  if (node.steer) {
    diags.error(where, wire::nameToText(owner) + " is steered twice");
    return;
  }
  steered_.push_back(std::make_unique<SteeredRecord>(std::move(record)));
  node.steer = steered_.back().get();
  node.steerWhere = compact(where);
}

std::unique_ptr<Zone> ZoneBuilder::build(yaml::Diagnostics& diags) {
  const size_t errorsBefore = diags.errors().size();
  auto apexIt = nodes_.find(apex_);
  if (apexIt == nodes_.end() || !apexIt->second.find(wire::rrtype::SOA)) {
    diags.error(where_, "zone " + wire::nameToText(apex_) + " has no SOA record");
  }
  if (apexIt == nodes_.end() || !apexIt->second.find(wire::rrtype::NS)) {
    diags.error(where_, "zone " + wire::nameToText(apex_) + " has no NS records at its apex");
  }
  if (diags.errors().size() == errorsBefore) {
    // Serial and minimum are read from the SOA below: its RDATA must hold them. A loader may
    // pass any bytes through (RFC 3597's "\# LEN HEX" form).
    const PendingRRset& soa = *apexIt->second.find(wire::rrtype::SOA);
    const std::string& rdata = soa.rdata.front();
    const size_t mname = wire::wireNameLength(rdata);
    const size_t rname = mname ? wire::wireNameLength(std::string_view(rdata).substr(mname)) : 0;
    if (soa.rdata.size() != 1 || !rname || rdata.size() != mname + rname + 20)
      diags.error(full(soa.where), "zone " + wire::nameToText(apex_) +
                                 ": its SOA record is malformed (one record of two names and five numbers is needed)");
  }
  if (diags.errors().size() != errorsBefore) return nullptr;

  auto zone = std::make_unique<Zone>();
  zone->apex_ = apex_;
  Arena& arena = zone->arena_;
  auto addNode = [&](std::string_view name) -> Node& {
    zone->nodes_.emplace_back();
    Node& n = zone->nodes_.back();
    n.name = arena.copy(name);
    zone->index_.emplace(n.name, &n);
    return n;
  };
  std::vector<RRset> sets;
  std::vector<std::string_view> rdata;
  for (auto& [name, pending] : nodes_) {
    Node& n = addNode(name);
    sets.clear();
    for (auto& set : pending.rrsets) {
      // The data is copied to the zone's arena and dropped here; the pending set keeps its
      // type and place for the warnings.
      rdata.clear();
      for (const std::string& rd : set.rdata) rdata.push_back(arena.copy(rd));
      std::vector<std::string>().swap(set.rdata);
      RRset added{set.type, set.ttl, arena.copy(rdata.data(), rdata.size()), {}};
      added.wire = WireRecord::render(apex_, n.name, added.type, added.ttl, added.rdata, arena);
      sets.push_back(added);
    }
    n.rrsets = arena.copy(sets.data(), sets.size());
    n.steer = pending.steer;
  }
  // Empty non-terminals: every ancestor of a name, up to the apex, exists.
  for (const auto& [name, pending] : nodes_) {
    for (std::string_view p = wire::parentName(name); p.size() > apex_.size(); p = wire::parentName(p)) {
      if (zone->index_.contains(p)) break;
      addNode(p);
    }
  }
  auto pendingOf = [&](std::string_view name) -> const PendingNode& { return nodes_.find(name)->second; };
  // Delegations: the highest NS-owning name below the apex covers everything beneath it.
  for (Node& n : zone->nodes_) {
    for (std::string_view p = n.name; p.size() > apex_.size(); p = wire::parentName(p)) {
      const Node* candidate = zone->find(p);
      if (candidate && candidate->find(wire::rrtype::NS)) n.cut = candidate;
    }
  }
  for (Node& n : zone->nodes_) {
    if (!n.cut) continue;
    if (n.steer)
      diags.warning(full(pendingOf(n.name).steerWhere),
                    wire::nameToText(n.name) + " lies at or below the delegation " + wire::nameToText(n.cut->name) +
                        "; its steering is never used");
    if (n.cut == &n) {
      for (const auto& r : n.rrsets)
        if (r.type != wire::rrtype::NS && r.type != wire::rrtype::DS)
          diags.warning(full(pendingOf(n.name).find(r.type)->where),
                        wire::nameToText(n.name) + " is a delegation point; its " + wire::rrTypeName(r.type) +
                            " record is never served");
    } else {
      for (const auto& r : n.rrsets)
        if (r.type != wire::rrtype::A && r.type != wire::rrtype::AAAA)
          diags.warning(full(pendingOf(n.name).find(r.type)->where),
                        wire::nameToText(n.name) + " lies below the delegation " + wire::nameToText(n.cut->name) +
                            "; its " + wire::rrTypeName(r.type) + " record is never served");
    }
  }
  for (Node& n : zone->nodes_) {
    if (const RRset* ns = (n.cut == &n) ? n.find(wire::rrtype::NS) : nullptr) {
      std::vector<const Node*> glue;
      for (const auto& target : ns->rdata) {
        const Node* g = zone->find(wire::lowercaseWire(target));
        if (g && (g->find(wire::rrtype::A) || g->find(wire::rrtype::AAAA))) glue.push_back(g);
      }
      n.glue = arena.copy(glue.data(), glue.size());
    }
    if (const RRset* cname = n.find(wire::rrtype::CNAME)) {
      std::string target = wire::lowercaseWire(cname->rdata.front());
      n.cnameTargetInZone = wire::isSubdomain(target, apex_);
      n.cnameTarget = zone->find(target);
      // A target at or below a delegation belongs to the child zone: the resolver goes there.
      std::string_view enclosing = target;
      const Node* closest = n.cnameTarget;
      while (!closest && n.cnameTargetInZone && enclosing.size() > apex_.size()) {
        enclosing = wire::parentName(enclosing);
        closest = zone->find(enclosing);
      }
      if (closest && closest->cut) {
        n.cnameTarget = nullptr;
        n.cnameTargetInZone = false;
      }
    }
  }
  zone->apexNode_ = zone->find(apex_);
  zone->soa_ = zone->apexNode_->find(wire::rrtype::SOA);
  const std::string_view soa = zone->soa_->rdata.front();
  size_t mnameLen = wire::wireNameLength(soa);
  size_t rnameLen = wire::wireNameLength(std::string_view(soa).substr(mnameLen));
  // SOA RDATA after the two names: serial, refresh, retry, expire, minimum.
  zone->serial_ = readU32(soa, mnameLen + rnameLen);
  uint32_t minimum = readU32(soa, mnameLen + rnameLen + 16);
  zone->negativeTtl_ = std::min(zone->soa_->ttl, minimum);
  zone->negativeSoa_ = WireRecord::render(zone->apex_, zone->apex_, wire::rrtype::SOA, zone->negativeTtl_, {&soa, 1}, arena);
  zone->pools_ = std::move(pools_);
  zone->steered_ = std::move(steered_);
  return zone;
}

}  // namespace lodestar::zones
