// Collects records from any loader, checks the zone as a whole and compiles it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "zones/yaml/diagnostics.hpp"
#include "zones/zone.hpp"

namespace lodestar::zones {

class ZoneBuilder {
 public:
  /// `apexWire`: the zone's apex in uncompressed wire form (any case).
  ZoneBuilder(std::string_view apexWire, yaml::SourceLocation where);

  const std::string& apex() const noexcept { return apex_; }

  /// Adds one record (RDATA in uncompressed wire form). Reports owners outside the zone,
  /// CNAME beside other data and unsupported types at `where`.
  void add(std::string_view ownerWire, uint16_t type, uint32_t ttl, std::string rdata, const yaml::SourceLocation& where,
           yaml::Diagnostics& diags);

  /// Takes a pool; the returned pointer stays valid in the built zone.
  const Pool* addPool(std::unique_ptr<Pool> pool);
  /// Makes `ownerWire` a steered name. Reports clashes with CNAME or static A/AAAA data.
  void addSteered(std::string_view ownerWire, SteeredRecord record, const yaml::SourceLocation& where, yaml::Diagnostics& diags);

  /// Checks the zone (SOA and NS at the apex, delegations, CNAME targets) and compiles it.
  /// Returns null when any error was reported.
  std::unique_ptr<Zone> build(yaml::Diagnostics& diags);

 private:
  /// Inside the zone and no wildcard; otherwise reports why at `where`.
  bool ownerFits(const std::string& owner, const yaml::SourceLocation& where, yaml::Diagnostics& diags) const;
  // Where a record was written, compactly: the file by its place in files_ (a big zone has
  // one or a few files and a million records).
  struct Where {
    uint32_t file = 0;
    int line = 0;
    int column = 0;
  };
  Where compact(const yaml::SourceLocation& where);
  yaml::SourceLocation full(const Where& where) const;
  struct PendingRRset {
    uint16_t type = 0;
    uint32_t ttl = 0;
    std::vector<std::string> rdata;
    Where where;
    size_t answerBytes = 0;  // its records as one answer writes them (owner pointer, fixed fields, data)
  };
  struct PendingNode {
    std::vector<PendingRRset> rrsets;  // by type, as the answer path lists them
    SteeredRecord* steer = nullptr;
    Where steerWhere;
    PendingRRset* find(uint16_t type) noexcept;
    const PendingRRset* find(uint16_t type) const noexcept {
      return const_cast<PendingNode*>(this)->find(type);
    }
  };
  std::string apex_;
  yaml::SourceLocation where_;
  std::map<std::string, PendingNode, std::less<>> nodes_;  // keyed by lowercase wire name
  std::vector<std::string> files_;
  std::vector<std::unique_ptr<Pool>> pools_;
  std::vector<std::unique_ptr<SteeredRecord>> steered_;
};

}  // namespace lodestar::zones
