// Collects records from any loader, checks the zone as a whole and compiles it.
#pragma once

#include <map>
#include <memory>
#include <string>

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
  struct PendingRRset {
    RRset rrset;
    yaml::SourceLocation where;
    size_t answerBytes = 0;  // its records as one answer writes them (owner pointer, fixed fields, data)
  };
  struct PendingNode {
    std::string name;  // lowercase wire
    std::map<uint16_t, PendingRRset> rrsets;
    SteeredRecord* steer = nullptr;
    yaml::SourceLocation steerWhere;
  };
  std::string apex_;
  yaml::SourceLocation where_;
  std::map<std::string, PendingNode> nodes_;  // keyed by lowercase wire name
  std::vector<std::unique_ptr<Pool>> pools_;
  std::vector<std::unique_ptr<SteeredRecord>> steered_;
};

}  // namespace lodestar::zones
