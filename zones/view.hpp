// The view: every zone the server answers for, immutable once published.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "geo/database.hpp"
#include "zones/admin_cells.hpp"
#include "zones/name_index.hpp"
#include "zones/policy_key.hpp"
#include "zones/steered_record.hpp"
#include "zones/zone.hpp"

namespace lodestar::zones {

class View {
 public:
  /// Adds a zone; false when a zone with the same apex is already present. A zone may be in
  /// several views at once (a reload keeps the unchanged ones): it is never written once in one.
  bool add(std::shared_ptr<Zone> zone);

  /// The zone whose apex is the longest suffix of `lowerName` (lowercase wire); null when
  /// the name is in no zone of ours.
  const Zone* findZone(std::string_view lowerName) const noexcept;

  /// An owner name that exists in the zone findZone() gives for it.
  struct NameHit {
    const Zone* zone;
    const Node* node;
  };
  /// The common case in one lookup: null when the name is no node of its zone (or before
  /// indexNames()), and the caller goes the long way (findZone, closest encloser).
  const NameHit* findName(std::string_view lowerName) const noexcept { return names_.find(lowerName, hits_.data()); }
  /// The same with the name's NameIndex hash known.
  const NameHit* findName(std::string_view lowerName, uint64_t hash) const noexcept {
    return names_.find(lowerName, hash, hits_.data());
  }
  /// Builds findName()'s index once every zone is added.
  void indexNames();
  /// Whether findName() knows every name (indexNames() since the last add()).
  bool namesIndexed() const noexcept { return namesIndexed_; }

  const std::vector<std::shared_ptr<Zone>>& zones() const noexcept { return zones_; }

  /// Regions are global: one table for every zone, indexed by RegionId.
  const std::vector<Region>& regions() const noexcept { return regions_; }
  /// `admin` is the table of drain switches and forced states the view's pools and endpoints
  /// point into; the view only reads it (the loader hands the writable handle to the control loop).
  /// Also gives each zone its counter slot and each steered record its block of answer counters
  /// (SteeredRecord::statsBlock); a zone numbered by an earlier view keeps what it has.
  void setRegions(std::vector<Region> regions, std::shared_ptr<const AdminCells> admin);
  /// The region's drain switch, read-only (the control loop flips it through AdminCells).
  const RegionAdmin& regionAdmin(RegionId id) const noexcept { return admin_->region(id); }
  /// The table this view reads its overrides from (null before setRegions()).
  const AdminCells* adminCells() const noexcept { return admin_.get(); }
  std::optional<RegionId> regionId(const std::string& name) const noexcept {
    for (size_t i = 0; i < regions_.size(); ++i)
      if (regions_[i].name == name) return static_cast<RegionId>(i);
    return std::nullopt;
  }
  /// Unique among the views of this process (a later view never takes an earlier one's, even
  /// at its address): what a log written later names a view by (dnstap's region names).
  uint64_t serial() const noexcept { return serial_; }

  /// The geo database the view was compiled from (null without one); kept for explain.
  const geo::Database* database() const noexcept { return db_.get(); }
  void setDatabase(std::shared_ptr<const geo::Database> db) { db_ = std::move(db); }

  /// For the next load, which keeps this view's unchanged zones when it compiles with the same
  /// `inputs` (regions, geo database, health registry): those zones' overrides live in `admin`,
  /// and the next view extends that table rather than starting one. Set by the loader.
  /// `policies`: the compiled policies its records use, which that load starts from.
  void setReuse(std::string inputs, std::shared_ptr<AdminCells> admin, PolicyCache policies) {
    reuseInputs_ = std::move(inputs);
    extendable_ = std::move(admin);
    policies_ = std::move(policies);
  }
  const std::string& reuseInputs() const noexcept { return reuseInputs_; }
  const std::shared_ptr<AdminCells>& extendableAdmin() const noexcept { return extendable_; }
  const PolicyCache& reusablePolicies() const noexcept { return policies_; }

  /// All a view is made with besides its zones: its regions, its override table, its geo
  /// database and what the next load may reuse. Taken from a served view to make another
  /// like it with some zones replaced (a zone signed again in place), on any thread: it holds
  /// nothing of the view itself.
  struct Basis {
    std::vector<Region> regions;
    std::shared_ptr<const AdminCells> admin;
    std::shared_ptr<const geo::Database> db;
    std::string reuseInputs;
    std::shared_ptr<AdminCells> extendable;
    PolicyCache policies;
  };
  Basis basis() const { return {regions_, admin_, db_, reuseInputs_, extendable_, policies_}; }
  /// A view of `zones` (each numbered already, by the view `basis` was taken from, or new)
  /// on `basis`, indexed and ready to publish. Null when two zones share an apex.
  static std::unique_ptr<View> make(std::vector<std::shared_ptr<Zone>> zones, Basis basis);

 private:
  void numberZones();
  std::vector<std::shared_ptr<Zone>> zones_;
  struct ApexOf {
    std::string_view operator()(const std::shared_ptr<Zone>& z) const noexcept { return z->apex(); }
  };
  struct HitName {
    std::string_view operator()(const NameHit& h) const noexcept { return h.node->name; }
  };
  NameIndex<std::shared_ptr<Zone>, ApexOf> byApex_;
  std::vector<NameHit> hits_;
  NameIndex<NameHit, HitName> names_;
  bool namesIndexed_ = false;
  size_t longestApex_ = 0;
  std::vector<Region> regions_;
  std::shared_ptr<const AdminCells> admin_;
  std::shared_ptr<const geo::Database> db_;
  std::string reuseInputs_;
  std::shared_ptr<AdminCells> extendable_;
  PolicyCache policies_;
  uint64_t serial_ = nextSerial();
  static uint64_t nextSerial() noexcept;
};

/// Where an endpoint (or a CNAME region's target) sits in a view.
struct EndpointInView {
  const Zone& zone;
  const Pool& pool;
  RegionId region;
  const PoolMembers& members;
  const Endpoint* endpoint;  // null for the CNAME target of a CNAME region
  const std::shared_ptr<health::HealthCell>& cell;  // what its probes see (shared)
  const health::EndpointForce& force;               // the operator's override, this endpoint's own
  EndpointId id;                                    // its index in the view's AdminCells
  health::Health health() const noexcept { return health::read(force, *cell); }
};

/// The one walk over every endpoint of every pool of every zone, in file order: IPv4, then
/// IPv6, then the CNAME target, per region of each pool.
template <class F>
void forEachEndpoint(const View& view, F&& visit) {
  for (const auto& zone : view.zones())
    for (const auto& pool : zone->pools())
      for (RegionId r : pool->regions) {
        const PoolMembers& m = pool->byRegion[r];
        for (const auto* list : {&m.ipv4, &m.ipv6})
          for (const auto& e : *list) visit(EndpointInView{*zone, *pool, r, m, &e, e.cell, *e.force, e.id});
        if (m.cnameCell) visit(EndpointInView{*zone, *pool, r, m, nullptr, m.cnameCell, *m.cnameForce, m.cnameId});
      }
}

}  // namespace lodestar::zones
