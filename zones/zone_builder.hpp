// Collects records from any loader, checks the zone as a whole and compiles it. Records are
// kept flat as they come (their names and data in two strings, ~32 bytes of bookkeeping
// each), and checked against the other records of their owner when the zone is built, in
// the order they were added: a million records are a few allocations, not millions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zones/yaml/diagnostics.hpp"
#include "zones/zone.hpp"

namespace lodestar::zones {

class ZoneBuilder {
 public:
  /// `apexWire`: the zone's apex in uncompressed wire form (any case).
  ZoneBuilder(std::string_view apexWire, yaml::SourceLocation where);

  const std::string& apex() const noexcept { return apex_; }

  /// Adds one record (RDATA in uncompressed wire form). Reports owners outside the zone and
  /// unsupported types at `where` now; CNAME beside other data, duplicates and the like when
  /// the zone is built, at the record's own place.
  void add(std::string_view ownerWire, uint16_t type, uint32_t ttl, std::string_view rdata,
           const yaml::SourceLocation& where, yaml::Diagnostics& diags);

  /// Takes a pool; the returned pointer stays valid in the built zone.
  const Pool* addPool(std::unique_ptr<Pool> pool);
  /// Makes `ownerWire` a steered name. Clashes with CNAME or static A/AAAA data are reported
  /// when the zone is built.
  void addSteered(std::string_view ownerWire, SteeredRecord record, const yaml::SourceLocation& where, yaml::Diagnostics& diags);

  /// The zone is to be signed (`dnssec:`): the built zone carries the policy.
  void setDnssec(DnssecPolicy policy) { dnssec_ = std::make_unique<DnssecPolicy>(std::move(policy)); }

  /// Checks the zone (each owner's records together, SOA and NS at the apex, delegations,
  /// CNAME targets) and compiles it. Returns null when any error was reported. Once only:
  /// the owners' names collected become the zone's (and are gone with it when it fails).
  std::unique_ptr<Zone> build(yaml::Diagnostics& diags);
  /// Only the checks of each owner's records together, for a load that failed already: every
  /// mistake is reported at once.
  void checkRecords(yaml::Diagnostics& diags);

 private:
  // Where a record was written, compactly: the file by its place in files_ (a big zone has
  // one or a few files and a million records).
  struct Where {
    uint32_t file = 0;
    int line = 0;
    int column = 0;
  };
  // One record, or one steered name (type 0), as it was added.
  struct Pending {
    uint32_t owner = 0;   // offset of its lowercase wire owner in owners_
    uint32_t data = 0;    // offset of its RDATA in data_; a steered name's index in steered_
    uint32_t length = 0;  // of the RDATA
    uint32_t ttl = 0;
    uint16_t type = 0;
    uint8_t ownerLength = 0;
    Where where;
  };
  // An owner's RRset as its records are checked in order.
  struct Set {
    uint16_t type = 0;
    uint32_t ttl = 0;
    Where where;  // of its first record
    size_t answerBytes = 0;  // its records as one answer writes them (owner pointer, fixed fields, data)
    std::vector<std::string_view> rdata;
  };
  class OwnerCheck;  // zone_builder.cpp

  /// At most 255 bytes; otherwise reports it at `where`.
  static bool nameFits(std::string_view ownerWire, const yaml::SourceLocation& where, yaml::Diagnostics& diags);
  /// Inside the zone and no wildcard; otherwise reports why at `where`.
  bool ownerFits(std::string_view owner, const yaml::SourceLocation& where, yaml::Diagnostics& diags) const;
  /// Keeps `lowerOwner` in owners_ (once for a run of records of one owner).
  bool keepOwner(std::string_view lowerOwner, Pending& p, const yaml::SourceLocation& where, yaml::Diagnostics& diags);
  struct Owners;  // zone_builder.cpp
  Owners groupOwners() const;
  Where compact(const yaml::SourceLocation& where);
  yaml::SourceLocation full(const Where& where) const;
  std::string_view ownerOf(const Pending& p) const noexcept { return ownerBytes_.substr(p.owner, p.ownerLength); }
  /// A record's data as add() kept it.
  std::string_view dataOf(const Pending& p) const noexcept { return std::string_view(data_).substr(p.data, p.length); }

  std::string apex_;
  yaml::SourceLocation where_;
  std::string owners_, data_;
  std::string_view ownerBytes_;  // owners_, or once build() gave it to the zone, the zone's copy
  std::vector<Pending> pending_;
  std::vector<std::string> files_;
  std::vector<std::unique_ptr<Pool>> pools_;
  std::vector<std::unique_ptr<SteeredRecord>> steered_;
  std::unique_ptr<DnssecPolicy> dnssec_;
};

}  // namespace lodestar::zones
