// The view: every zone the server answers for, immutable once published.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "geo/database.hpp"
#include "zones/steering.hpp"
#include "zones/zone.hpp"

namespace lodestar::zones {

class View {
 public:
  /// Adds a zone; false when a zone with the same apex is already present.
  bool add(std::unique_ptr<Zone> zone);

  /// The zone whose apex is the longest suffix of `lowerName` (lowercase wire); null when
  /// the name is in no zone of ours.
  const Zone* findZone(std::string_view lowerName) const noexcept;

  const std::vector<std::unique_ptr<Zone>>& zones() const noexcept { return zones_; }

  /// Regions are global: one table for every zone, indexed by RegionId.
  const std::vector<Region>& regions() const noexcept { return regions_; }
  void setRegions(std::vector<Region> regions) { regions_ = std::move(regions); }
  /// The geo database the view was compiled from (null without one); kept for explain.
  const geo::Database* database() const noexcept { return db_.get(); }
  void setDatabase(std::shared_ptr<const geo::Database> db) { db_ = std::move(db); }

 private:
  std::vector<std::unique_ptr<Zone>> zones_;
  std::unordered_map<std::string_view, const Zone*> byApex_;
  size_t longestApex_ = 0;
  std::vector<Region> regions_;
  std::shared_ptr<const geo::Database> db_;
};

}  // namespace lodestar::zones
