// What the zone policy files of one view share while loading: the global region table,
// the geo database, and compiled decision trees (identical policies compile once).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "geo/database.hpp"
#include "zones/diagnostics.hpp"
#include "zones/steering.hpp"

namespace lodestar::zones {

class SteeringContext {
 public:
  explicit SteeringContext(std::shared_ptr<const geo::Database> db) : db_(std::move(db)) {}

  /// Declares a region; the same name in another file must have the same coordinates.
  void defineRegion(const Region& region, const SourceLocation& where, Diagnostics& diags);
  std::optional<RegionId> region(const std::string& name) const;
  const std::vector<Region>& regions() const noexcept { return regions_; }
  /// "ap-northeast, eu-west, us-east", for messages that list what exists.
  std::string regionNames() const;

  const geo::Database* database() const noexcept { return db_.get(); }
  const std::shared_ptr<const geo::Database>& sharedDatabase() const noexcept { return db_; }

  struct Compiled {
    std::shared_ptr<const geo::DecisionTree> tree;
    std::shared_ptr<const std::vector<std::vector<RegionId>>> orders;
  };
  /// The compiled policy for `signature`, if an identical one was compiled already.
  const Compiled* cached(const std::string& signature) const;
  void remember(const std::string& signature, Compiled compiled);

 private:
  std::shared_ptr<const geo::Database> db_;
  std::vector<Region> regions_;
  std::vector<SourceLocation> regionWhere_;
  std::map<std::string, Compiled> compiled_;
};

}  // namespace lodestar::zones
