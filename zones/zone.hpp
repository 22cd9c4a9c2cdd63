// A compiled zone: owner names to nodes of pre-rendered RRsets, read-only once built. Every
// name, record and rendered set lives in the zone's arena; nodes and sets are plain views.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "zones/arena.hpp"
#include "zones/dnssec_policy.hpp"
#include "zones/name_index.hpp"
#include "zones/rdata_list.hpp"
#include "zones/stats_slots.hpp"
#include "zones/steered_record.hpp"
#include "zones/wire_record.hpp"
#include "zones/zone_origin.hpp"

namespace lodestar::zones {

/// One RRset: the RDATA of each record in uncompressed wire form, and, in a built zone,
/// the whole set rendered for answers (empty: written field by field).
struct RRset {
  uint16_t type = 0;
  uint16_t covered = 0;  // for an RRSIG set: the type its signatures cover (one set per type)
  uint32_t ttl = 0;
  RdataList rdata;
  WireRecord wire;
};
static_assert(sizeof(RRset) == 64, "one per RRset of every zone: keep it small");

struct Node;

/// What only delegation points and CNAME nodes have: kept apart, so that the million other
/// nodes of a big zone do not carry it (a node is 56 bytes).
struct NodeLinks {
  /// For a delegation point: the nodes holding glue addresses for its NS targets.
  Span<const Node*> glue;
  /// For a CNAME node: the target's node when the target lies in this zone.
  const Node* cnameTarget = nullptr;
  /// For a CNAME node: the target is a name of this zone (even when it does not exist).
  bool cnameTargetInZone = false;
  /// The node "*.<this name>" when it exists (RFC 4592): it answers for the names below
  /// this one that do not exist.
  const Node* wildcard = nullptr;

  static const NodeLinks none;  // every other node's
};
inline constexpr NodeLinks NodeLinks::none{};

/// An owner name in a zone. Empty non-terminals exist as nodes without RRsets, so that a
/// name with descendants answers NODATA rather than NXDOMAIN.
struct Node {
  std::string_view name;  // lowercase uncompressed wire form
  Span<RRset> rrsets;     // by type
  /// The delegation point at or above this node (never the apex); null when authoritative.
  const Node* cut = nullptr;
  /// A steered name: its A and AAAA answers come from the policy, not from `rrsets`.
  const SteeredRecord* steer = nullptr;
  /// Glue and CNAME target (never null).
  const NodeLinks* links = &NodeLinks::none;

  const RRset* find(uint16_t type) const noexcept {
    for (const auto& r : rrsets)
      if (r.type == type) return &r;
    return nullptr;
  }
  /// The signatures over this node's set of `type` (a signed zone keeps them after its sets).
  const RRset* signatures(uint16_t type) const noexcept {
    for (const auto& r : rrsets)
      if (r.covered == type && r.type == kRrsigType) return &r;
    return nullptr;
  }
  static constexpr uint16_t kRrsigType = 46;
};

/// What a zone's index finds a node by.
struct NodeName {
  std::string_view operator()(const Node& n) const noexcept { return n.name; }
};

static_assert(sizeof(Node) == 56, "a node is per name: keep it small");

/// Whether a lowercase wire name's leftmost label is "*": a wildcard (RFC 4592).
inline bool isWildcard(std::string_view name) noexcept { return name.size() >= 2 && name[0] == 1 && name[1] == '*'; }

class Zone {
 public:
  /// The apex in lowercase uncompressed wire form.
  const std::string& apex() const noexcept { return apex_; }
  const Node& apexNode() const noexcept { return *apexNode_; }
  const RRset& soa() const noexcept { return *soa_; }
  /// TTL of negative answers: min(SOA TTL, SOA MINIMUM) (RFC 2308 section 5).
  uint32_t negativeTtl() const noexcept { return negativeTtl_; }
  /// The SOA record of negative answers (with the negative TTL), rendered at load.
  const WireRecord& negativeSoa() const noexcept { return negativeSoa_; }
  uint32_t serial() const noexcept { return serial_; }
  /// Exact match of a lowercase wire name; null when absent.
  const Node* find(std::string_view lowerName) const noexcept {
    return index_.find(lowerName, nodes_.data());
  }
  size_t nodeCount() const noexcept { return nodes_.size(); }
  template <typename F>
  void forEachNode(F&& f) const {
    for (const Node& n : nodes_) f(n);
  }
  const std::vector<std::unique_ptr<SteeredRecord>>& steered() const noexcept { return compiled_->steered; }
  const std::vector<std::unique_ptr<Pool>>& pools() const noexcept { return compiled_->pools; }
  /// Where the workers count this zone's queries (engine::QueryStats::byZone): its place in
  /// the view, set by View::add(); outside a view, and past the slots, the shared last one.
  /// Always a slot: the answer path indexes with it unchecked.
  uint16_t statsSlot() const noexcept { return statsSlot_; }
  static constexpr uint16_t kNoStatsSlot = kZoneStatsSlots - 1;

  /// The operator's DNSSEC policy (null: the zone is not signed).
  const DnssecPolicy* dnssec() const noexcept { return dnssec_.get(); }
  /// The keys and times it was signed with (null until dns/dnssec signs it, before any view
  /// answers from it). Static sets then have their signatures beside them in each node.
  const ZoneKeys* keys() const noexcept { return keys_.get(); }
  bool isSigned() const noexcept { return keys_ != nullptr; }
  /// When its static signatures must be made again (seconds since the epoch; 0: never): the
  /// daemon then re-signs a copy in place (dnssec::resignZone), and a load at or after it
  /// compiles and signs the zone anew instead of keeping it.
  uint32_t resignAt() const noexcept { return resignAt_; }
  /// Whether `other` was compiled in the same pass as this zone (one is a signed copy of the
  /// other): they share their names, records, pools and steered records.
  bool sameCompile(const Zone& other) const noexcept { return compiled_ == other.compiled_; }

  /// The files it was compiled from (null when built by hand, never kept by a later load).
  const ZoneOrigin* origin() const noexcept { return origin_.get(); }
  /// Set by the loader once, before the zone is in any view.
  void setOrigin(ZoneOrigin origin) { origin_ = std::make_shared<const ZoneOrigin>(std::move(origin)); }

 private:
  friend class ZoneBuilder;
  friend class View;  // numbers the zone and its steered records for the counters
  friend class ZoneEditor;  // adds the signatures before the zone is published, copies it to sign again
  /// What the compile made, shared by the zone and every copy signed again from it (never
  /// written once the zone is built): the owners' names, the record data and rendered sets of
  /// the zone's own records, the links, the pools and the steered records. A copy signed again
  /// costs its nodes, index and signatures; the compile's bytes go with its last copy.
  struct Compiled {
    Arena arena;
    std::vector<std::unique_ptr<Pool>> pools;
    std::vector<std::unique_ptr<SteeredRecord>> steered;
  };
  std::shared_ptr<Compiled> compiled_ = std::make_shared<Compiled>();  // first: the views below point into it
  /// This zone's own bytes: what signing added (the sets, their signatures, the nodes' spans
  /// holding them) and, in a copy, its links.
  Arena arena_;
  std::string apex_;
  std::vector<Node> nodes_;  // sized once: nodes point at each other
  NameIndex<const Node, NodeName> index_;
  const Node* apexNode_ = nullptr;
  const RRset* soa_ = nullptr;
  uint32_t negativeTtl_ = 0;
  uint32_t serial_ = 0;
  uint16_t statsSlot_ = kNoStatsSlot;
  /// Numbered by a view already: a later view that keeps the zone keeps its counter slots
  /// and never writes them (the earlier view may still be answering).
  bool numbered_ = false;
  WireRecord negativeSoa_;
  std::shared_ptr<const ZoneOrigin> origin_;  // shared with its copies
  std::shared_ptr<const DnssecPolicy> dnssec_;
  std::shared_ptr<const ZoneKeys> keys_;
  uint32_t resignAt_ = 0;
  /// In a copy being signed again (ZoneEditor::copyUnsigned): the nodes whose sets still lie in
  /// the original's own arena, and where; ZoneEditor::detach() gives them sets of their own.
  std::vector<std::pair<uint32_t, const RRset*>> borrowed_;
  /// The nodes whose sets, none added by signing, detach() copied into this zone's own arena
  /// (none, as signing works today): a copy of this zone borrows them too.
  std::vector<uint32_t> detached_;
};

}  // namespace lodestar::zones
