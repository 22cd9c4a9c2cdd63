// Zone-wide checks and compilation into the lookup form the engine reads.
#include "zones/zone_builder.hpp"

#include <algorithm>
#include <unordered_map>
#include <limits>

#include "dns/wire/constants.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/rdata_names.hpp"
#include "dns/wire/rr_type.hpp"

namespace lodestar::zones {

namespace {

constexpr size_t kMaxKept = std::numeric_limits<uint32_t>::max();

uint32_t readU32(std::string_view s, size_t at) {
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 |
         uint8_t(s[at + 3]);
}

// A "*" label anywhere but first: RFC 4592 makes it a wildcard only as the leftmost label;
// elsewhere it would be a literal "*" that matches nothing but itself, silently.
bool hasInnerStarLabel(std::string_view wire) {
  for (size_t at = 0; at < wire.size() && wire[at] != 0; at += 1 + static_cast<unsigned char>(wire[at]))
    if (at > 0 && wire[at] == 1 && at + 1 < wire.size() && wire[at + 1] == '*') return true;
  return false;
}

// ASCII lower case of a wire name (at most 255 bytes) in `out`, without an allocation.
std::string_view lowerInto(std::string_view name, char (&out)[256]) {
  const size_t n = std::min(name.size(), sizeof out);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(wire::asciiLower(static_cast<uint8_t>(name[i])));
  return {out, n};
}

struct Itself {
  std::string_view operator()(std::string_view name) const noexcept { return name; }
};

}  // namespace

// Every owner once, in the order it first came, then the empty non-terminals; the records
// owner by owner, each owner's in the order they came (a counting sort by owner: each name
// is hashed once, not compared n log n times).
struct ZoneBuilder::Owners {
  std::vector<std::string_view> names;  // views into the owners' names
  size_t owned = 0;                     // the first `owned` of `names` own records
  NameIndex<std::string_view, Itself> index;  // over `names`
  std::vector<uint32_t> order;   // indexes into pending_
  std::vector<uint32_t> starts;  // owner i's records: order[starts[i]] up to order[starts[i + 1]]

  // The names between the owners and the apex that own nothing, each once: they are nodes,
  // so that a name with descendants answers NODATA, not NXDOMAIN. A parent is a suffix of
  // its child's bytes: no name is copied.
  void addEmptyNonTerminals(std::string_view apex) {
    for (size_t i = 0; i < owned; ++i) {
      for (std::string_view p = wire::parentName(names[i]); p.size() > apex.size(); p = wire::parentName(p)) {
        if (index.contains(p, names.data())) break;
        names.push_back(p);
        index.emplace(static_cast<uint32_t>(names.size() - 1), names.data());
      }
    }
  }
};

ZoneBuilder::Owners ZoneBuilder::groupOwners() const {
  Owners out;
  // A run of records of one owner shares its name's offset (keepOwner): one lookup a run.
  auto runStarts = [this](size_t i) { return i == 0 || pending_[i].owner != pending_[i - 1].owner; };
  size_t runs = 0;
  for (size_t i = 0; i < pending_.size(); ++i) runs += runStarts(i);
  out.index.reserve(runs, out.names.data());
  std::vector<uint32_t> ownerIds(pending_.size());
  uint32_t id = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (runStarts(i)) {
      const std::string_view name = ownerOf(pending_[i]);
      if (const std::string_view* known = out.index.find(name, out.names.data())) {
        id = static_cast<uint32_t>(known - out.names.data());
      } else {
        out.names.push_back(name);
        id = static_cast<uint32_t>(out.names.size() - 1);
        out.index.emplace(id, out.names.data());
      }
    }
    ownerIds[i] = id;
  }
  out.owned = out.names.size();
  out.index.fit(out.names.data());  // runs outnumber owners when a file lists them twice
  out.starts.assign(out.owned + 1, 0);
  for (uint32_t o : ownerIds) ++out.starts[o + 1];
  for (size_t k = 1; k < out.starts.size(); ++k) out.starts[k] += out.starts[k - 1];
  out.order.resize(pending_.size());
  std::vector<uint32_t> next(out.starts.begin(), out.starts.end() - 1);
  for (size_t i = 0; i < pending_.size(); ++i) out.order[next[ownerIds[i]]++] = static_cast<uint32_t>(i);
  return out;
}

// One owner's records, checked in the order they were added, with the rules a record meets
// against the others of its name: what remains is the node's RRsets and its steering.
class ZoneBuilder::OwnerCheck {
 public:
  OwnerCheck(const ZoneBuilder& b, yaml::Diagnostics& diags) : b_(b), diags_(diags) {}

  void start(std::string_view owner) {
    owner_ = owner;
    used_ = 0;
    steer_ = nullptr;
  }

  void take(const Pending& p) {
    if (p.type == 0) return steered(p);
    const uint16_t type = p.type;
    if (steer_ && (type == wire::rrtype::A || type == wire::rrtype::AAAA || type == wire::rrtype::CNAME)) {
      error(p, name() + " is steered (line " + std::to_string(steerWhere_.line) + "); it cannot also have static " +
                   wire::rrTypeName(type) + " records");
      return;
    }
    // CNAME and other data cannot share a name (RFC 1034 section 3.6.2).
    const bool hasCname = find(wire::rrtype::CNAME) != nullptr;
    const bool hasOther = used_ > (hasCname ? 1u : 0u);
    if ((type == wire::rrtype::CNAME && hasOther) || (type != wire::rrtype::CNAME && hasCname)) {
      const auto other = b_.full(lowestType()->where);
      error(p, "CNAME beside other data at " + name() + " (other data at line " + std::to_string(other.line) + " of " +
                   other.file + ")");
      return;
    }
    Set* set = find(type);
    if (!set) {
      set = fresh();
      set->type = type;
      set->ttl = p.ttl;
      set->where = p.where;
    } else if (type == wire::rrtype::CNAME || type == wire::rrtype::SOA) {
      error(p, "a second " + wire::rrTypeName(type) + " record at " + name() + " (only one is allowed)");
      return;
    } else if (p.ttl != set->ttl) {
      // RFC 2181 section 5.2: one TTL per RRset; keep the lowest so no cache holds data too long.
      diags_.warning(b_.full(p.where), "TTL " + std::to_string(p.ttl) + " differs from the RRset's TTL " +
                                           std::to_string(set->ttl) + "; using the lower");
      set->ttl = std::min(p.ttl, set->ttl);
    }
    const std::string_view rdata = b_.dataOf(p);
    if (std::find(set->rdata.begin(), set->rdata.end(), rdata) != set->rdata.end()) {
      diags_.warning(b_.full(p.where), "duplicate record " + wire::rrTypeName(type) + " at " + name() + " ignored");
      return;
    }
    // The whole RRset must fit one answer even over TCP: header, question, then each record
    // as a compressed owner (2), type, class, TTL, length (10) and its data.
    const size_t record = 12 + rdata.size();
    if (wire::kHeaderSize + owner_.size() + 4 + set->answerBytes + record > wire::kMaxMessageSize) {
      error(p, "the " + wire::rrTypeName(type) + " records at " + name() +
                   " would not fit in one DNS message (65,535 bytes, even over TCP), so they could never be answered");
      return;
    }
    set->answerBytes += record;
    set->rdata.push_back(rdata);
  }

  /// The RRsets that remain, by type (as the answer path lists them).
  const std::vector<const Set*>& byType() {
    sorted_.clear();
    for (size_t i = 0; i < used_; ++i) sorted_.push_back(&sets_[i]);
    std::sort(sorted_.begin(), sorted_.end(), [](const Set* a, const Set* b) { return a->type < b->type; });
    return sorted_;
  }
  const SteeredRecord* steer() const noexcept { return steer_; }

 private:
  void steered(const Pending& p) {
    for (uint16_t t : {wire::rrtype::A, wire::rrtype::AAAA, wire::rrtype::CNAME}) {
      if (const Set* set = find(t)) {
        const auto other = b_.full(set->where);
        error(p, name() + " has static " + wire::rrTypeName(t) + " data (" + other.file + ":" + std::to_string(other.line) +
                     "); a steered name cannot also have static A, AAAA or CNAME records");
        return;
      }
    }
    if (steer_) {
      error(p, name() + " is steered twice");
      return;
    }
    steer_ = b_.steered_[p.data].get();
    steerWhere_ = p.where;
  }

  Set* find(uint16_t type) noexcept {
    for (size_t i = 0; i < used_; ++i)
      if (sets_[i].type == type) return &sets_[i];
    return nullptr;
  }
  const Set* lowestType() const noexcept {
    const Set* low = &sets_[0];
    for (size_t i = 1; i < used_; ++i)
      if (sets_[i].type < low->type) low = &sets_[i];
    return low;
  }
  // A set from the ones kept for reuse: their lists keep their room from owner to owner.
  Set* fresh() {
    if (used_ == sets_.size()) sets_.emplace_back();
    Set* set = &sets_[used_++];
    set->answerBytes = 0;
    set->rdata.clear();
    return set;
  }
  std::string name() const { return wire::nameToText(owner_); }
  void error(const Pending& p, std::string message) { diags_.error(b_.full(p.where), std::move(message)); }

  const ZoneBuilder& b_;
  yaml::Diagnostics& diags_;
  std::string_view owner_;
  std::vector<Set> sets_;
  size_t used_ = 0;
  std::vector<const Set*> sorted_;
  const SteeredRecord* steer_ = nullptr;
  Where steerWhere_;
};

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

bool ZoneBuilder::nameFits(std::string_view ownerWire, const yaml::SourceLocation& where, yaml::Diagnostics& diags) {
  // A relative name and its origin can add up past the limit (ldns does not check the sum).
  if (ownerWire.size() <= 255) return true;
  diags.error(where, "owner " + wire::nameToText(ownerWire) + " is " + std::to_string(ownerWire.size()) +
                         " bytes long in wire form; a name holds at most 255");
  return false;
}

bool ZoneBuilder::ownerFits(std::string_view owner, const yaml::SourceLocation& where, yaml::Diagnostics& diags) const {
  if (!wire::isSubdomain(owner, apex_)) {
    diags.error(where, "owner " + wire::nameToText(owner) + " is outside the zone " + wire::nameToText(apex_));
    return false;
  }
  if (hasInnerStarLabel(owner)) {
    diags.error(where, "owner " + wire::nameToText(owner) + ": a '*' label is a wildcard only as the leftmost label "
                       "(RFC 4592); here it would match nothing but the literal name");
    return false;
  }
  return true;
}

bool ZoneBuilder::keepOwner(std::string_view lowerOwner, Pending& p, const yaml::SourceLocation& where,
                            yaml::Diagnostics& diags) {
  if (!pending_.empty() && ownerOf(pending_.back()) == lowerOwner) {
    p.owner = pending_.back().owner;
    p.ownerLength = pending_.back().ownerLength;
    return true;
  }
  if (owners_.size() + lowerOwner.size() > kMaxKept) {
    diags.error(where, "the zone " + wire::nameToText(apex_) + " has more than 4 GiB of names; split it");
    return false;
  }
  p.owner = static_cast<uint32_t>(owners_.size());
  p.ownerLength = static_cast<uint8_t>(lowerOwner.size());
  owners_.append(lowerOwner);
  ownerBytes_ = owners_;
  return true;
}

void ZoneBuilder::add(std::string_view ownerWire, uint16_t type, uint32_t ttl, std::string_view rdata,
                      const yaml::SourceLocation& where, yaml::Diagnostics& diags) {
  if (!nameFits(ownerWire, where, diags)) return;
  char lower[256];
  const std::string_view owner = lowerInto(ownerWire, lower);
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
  if (!wire::rdataNamesWellFormed(type, rdata)) {
    diags.error(where, wire::rrTypeName(type) + " data does not hold a well-formed domain name where the type has one "
                                               "(data given as \\# LEN HEX must follow the type's format)");
    return;
  }
  if (type == wire::rrtype::SOA && owner != apex_) {
    diags.error(where, "SOA record at " + wire::nameToText(owner) + " is not at the zone apex " + wire::nameToText(apex_));
    return;
  }
  if (data_.size() + rdata.size() > kMaxKept) {
    diags.error(where, "the zone " + wire::nameToText(apex_) + " has more than 4 GiB of record data; split it");
    return;
  }
  Pending p;
  p.type = type;
  p.ttl = ttl;
  p.where = compact(where);
  if (!keepOwner(owner, p, where, diags)) return;
  p.data = static_cast<uint32_t>(data_.size());
  p.length = static_cast<uint32_t>(rdata.size());
  data_.append(rdata);
  pending_.push_back(p);
}

const Pool* ZoneBuilder::addPool(std::unique_ptr<Pool> pool) {
  pools_.push_back(std::move(pool));
  return pools_.back().get();
}

void ZoneBuilder::addSteered(std::string_view ownerWire, SteeredRecord record, const yaml::SourceLocation& where,
                             yaml::Diagnostics& diags) {
  if (!nameFits(ownerWire, where, diags)) return;
  char lower[256];
  const std::string_view owner = lowerInto(ownerWire, lower);
  if (!ownerFits(owner, where, diags)) return;
  Pending p;
  p.data = static_cast<uint32_t>(steered_.size());
  p.where = compact(where);
  if (!keepOwner(owner, p, where, diags)) return;
  steered_.push_back(std::make_unique<SteeredRecord>(std::move(record)));
  pending_.push_back(p);
}

void ZoneBuilder::checkRecords(yaml::Diagnostics& diags) {
  OwnerCheck check(*this, diags);
  const Owners owners = groupOwners();
  for (size_t i = 0; i < owners.owned; ++i) {
    check.start(owners.names[i]);
    for (uint32_t k = owners.starts[i]; k < owners.starts[i + 1]; ++k) check.take(pending_[owners.order[k]]);
  }
}

std::unique_ptr<Zone> ZoneBuilder::build(yaml::Diagnostics& diags) {
  const size_t errorsBefore = diags.errors().size();
  auto zone = std::make_unique<Zone>();
  zone->apex_ = apex_;
  Arena& arena = zone->compiled_->arena;
  // The owners' names become the zone's as they are: nodes point into them. The record data
  // is packed into each set (RdataList) and leaves with the builder.
  ownerBytes_ = arena.adopt(std::move(owners_));
  // The nodes are made once, in one array (they point at each other): every owner, then every
  // empty non-terminal, and the index of their names is the nodes' index.
  Owners owners = groupOwners();
  owners.addEmptyNonTerminals(apex_);
  zone->nodes_.resize(owners.names.size());
  for (size_t i = 0; i < owners.names.size(); ++i) zone->nodes_[i].name = owners.names[i];
  zone->index_ = NameIndex<const Node, NodeName>::takeOver(std::move(owners.index));
  std::vector<std::string_view>().swap(owners.names);  // not beside the sets
  const std::vector<uint32_t>& order = owners.order;
  const std::vector<uint32_t>& starts = owners.starts;  // node i's records, for i < owned
  OwnerCheck check(*this, diags);
  std::vector<RRset> sets;
  size_t apexOwner = 0;
  for (size_t i = 0; i < owners.owned; ++i) {
    Node& n = zone->nodes_[i];
    if (n.name == apex_) apexOwner = i;
    check.start(n.name);
    for (uint32_t k = starts[i]; k < starts[i + 1]; ++k) check.take(pending_[order[k]]);
    sets.clear();
    for (const Set* set : check.byType()) {
      RRset added{set->type, 0, set->ttl, RdataList::pack(set->rdata, arena), {}};
      added.wire = WireRecord::render(apex_, n.name, added.type, added.ttl, {set->rdata.data(), static_cast<uint32_t>(set->rdata.size())}, arena);
      sets.push_back(added);
    }
    n.rrsets = arena.copy(sets.data(), sets.size());
    n.steer = check.steer();
  }
  if (diags.errors().size() != errorsBefore) return nullptr;
  // Where the first record of `type` (0: the steering) of owner `node` was written.
  auto whereOf = [&](size_t node, uint16_t type) {
    for (uint32_t k = starts[node]; k < starts[node + 1]; ++k)
      if (pending_[order[k]].type == type) return full(pending_[order[k]].where);
    return where_;
  };

  const Node* apexNode = zone->find(apex_);
  const RRset* soaSet = apexNode ? apexNode->find(wire::rrtype::SOA) : nullptr;
  if (!soaSet) diags.error(where_, "zone " + wire::nameToText(apex_) + " has no SOA record");
  if (!apexNode || !apexNode->find(wire::rrtype::NS))
    diags.error(where_, "zone " + wire::nameToText(apex_) + " has no NS records at its apex");
  if (diags.errors().size() == errorsBefore) {
    // Serial and minimum are read from the SOA below: its RDATA must hold them. A loader may
    // pass any bytes through (RFC 3597's "\# LEN HEX" form).
    const std::string_view rd = soaSet->rdata.front();
    const size_t mname = wire::wireNameLength(rd);
    const size_t rname = mname ? wire::wireNameLength(rd.substr(mname)) : 0;
    if (soaSet->rdata.size() != 1 || !rname || rd.size() != mname + rname + 20)
      diags.error(whereOf(apexOwner, wire::rrtype::SOA),
                  "zone " + wire::nameToText(apex_) +
                      ": its SOA record is malformed (one record of two names and five numbers is needed)");
  }
  if (diags.errors().size() != errorsBefore) return nullptr;

  // Delegations: the highest NS-owning name below the apex covers everything beneath it.
  for (Node& n : zone->nodes_) {
    for (std::string_view p = n.name; p.size() > apex_.size(); p = wire::parentName(p)) {
      const Node* candidate = zone->find(p);
      if (candidate && candidate->find(wire::rrtype::NS)) n.cut = candidate;
    }
  }
  for (size_t i = 0; i < zone->nodes_.size(); ++i) {
    Node& n = zone->nodes_[i];
    if (!n.cut) continue;  // (an empty non-terminal has no records and no steering: no warnings)
    if (n.steer)
      diags.warning(whereOf(i, 0),
                    wire::nameToText(n.name) + " lies at or below the delegation " + wire::nameToText(n.cut->name) +
                        "; its steering is never used");
    if (n.cut == &n) {
      for (const auto& r : n.rrsets)
        if (r.type != wire::rrtype::NS && r.type != wire::rrtype::DS)
          diags.warning(whereOf(i, r.type),
                        wire::nameToText(n.name) + " is a delegation point; its " + wire::rrTypeName(r.type) +
                            " record is never served");
    } else {
      for (const auto& r : n.rrsets)
        if (r.type != wire::rrtype::A && r.type != wire::rrtype::AAAA)
          diags.warning(whereOf(i, r.type),
                        wire::nameToText(n.name) + " lies below the delegation " + wire::nameToText(n.cut->name) +
                            "; its " + wire::rrTypeName(r.type) + " record is never served");
    }
  }
  // Wildcards (RFC 4592): each "*.X" is X's; the answer path finds it from X, the closest
  // encloser of a name that does not exist.
  std::unordered_map<const Node*, const Node*> wildcardOf;
  for (size_t i = 0; i < zone->nodes_.size(); ++i) {
    const Node& n = zone->nodes_[i];
    if (!isWildcard(n.name)) continue;
    if (n.cut == &n) {
      diags.error(whereOf(i, wire::rrtype::NS), "wildcard " + wire::nameToText(n.name) +
                                                    " cannot be a delegation point (RFC 4592 4.2): give each child its own NS");
      continue;
    }
    if (const Node* parent = zone->find(wire::parentName(n.name))) wildcardOf[parent] = &n;
  }
  if (diags.errors().size() != errorsBefore) return nullptr;
  for (Node& n : zone->nodes_) {
    const RRset* ns = (n.cut == &n) ? n.find(wire::rrtype::NS) : nullptr;
    const RRset* cname = n.find(wire::rrtype::CNAME);
    const auto wildcard = wildcardOf.find(&n);
    if (!ns && !cname && wildcard == wildcardOf.end()) continue;
    NodeLinks links;
    if (wildcard != wildcardOf.end()) links.wildcard = wildcard->second;
    if (ns) {
      std::vector<const Node*> glue;
      for (const auto& target : ns->rdata) {
        const Node* g = zone->find(wire::lowercaseWire(target));
        if (g && (g->find(wire::rrtype::A) || g->find(wire::rrtype::AAAA))) glue.push_back(g);
      }
      links.glue = arena.copy(glue.data(), glue.size());
    }
    if (cname) {
      std::string target = wire::lowercaseWire(cname->rdata.front());
      links.cnameTargetInZone = wire::isSubdomain(target, apex_);
      links.cnameTarget = zone->find(target);
      // A target at or below a delegation belongs to the child zone: the resolver goes there.
      std::string_view enclosing = target;
      const Node* closest = links.cnameTarget;
      while (!closest && links.cnameTargetInZone && enclosing.size() > apex_.size()) {
        enclosing = wire::parentName(enclosing);
        closest = zone->find(enclosing);
      }
      if (closest && closest->cut) {
        links.cnameTarget = nullptr;
        links.cnameTargetInZone = false;
      } else if (closest && !links.cnameTarget) {
        // A target that does not exist is answered by its closest encloser's wildcard, if any.
        if (auto w = wildcardOf.find(closest); w != wildcardOf.end()) links.cnameTarget = w->second;
      }
    }
    n.links = arena.copy(&links, 1).first;
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
  zone->compiled_->pools = std::move(pools_);
  zone->compiled_->steered = std::move(steered_);
  zone->dnssec_ = std::move(dnssec_);
  return zone;
}

}  // namespace lodestar::zones
