// What the zone policy files of one view share while loading: the global region table,
// the geo database, and compiled decision trees (identical policies compile once).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "geo/database.hpp"
#include "health/state/check_spec.hpp"
#include "health/state/registry.hpp"
#include "zones/admin_cells.hpp"
#include "zones/policy_key.hpp"
#include "zones/yaml/diagnostics.hpp"
#include "zones/steered_record.hpp"

namespace lodestar::zones {

class View;

class LoadContext {
 public:
  /// `registry` (may be null: every endpoint then gets a cell of its own) keeps endpoint
  /// health across reloads.
  LoadContext(std::shared_ptr<const geo::Database> db, health::Registry* registry)
      : db_(std::move(db)), registry_(registry) {}

  /// The health cell of an endpoint probed by `check`; shared by every pool naming it.
  std::shared_ptr<health::HealthCell> healthCell(const health::CheckSpec* check, const wire::Address& address);
  std::shared_ptr<health::HealthCell> healthCell(const health::CheckSpec* check, const std::string& identity);

  /// Declares a region; the same name in another file must have the same coordinates.
  void defineRegion(const Region& region, const yaml::SourceLocation& where, yaml::Diagnostics& diags);
  std::optional<RegionId> region(const std::string& name) const;
  /// Every defineRegion() in order, repeats included: what one file defined is the slice
  /// its regions added.
  const std::vector<std::pair<Region, yaml::SourceLocation>>& definitions() const noexcept { return definitions_; }
  /// Called once every region is known: gives each its drain switch, in a table of its own,
  /// or in `extend`, the previous view's table when its regions are these (a load that keeps
  /// zones of that view keeps the table their drain switches and forced states are in).
  /// True when it extends `extend`.
  bool freezeRegions(std::shared_ptr<AdminCells> extend = nullptr);
  const RegionAdmin* regionAdmin(RegionId id) const noexcept {
    return id < std::as_const(*admin_).regionCount() ? &std::as_const(*admin_).region(id) : nullptr;
  }
  /// Gives an endpoint its forced state (a const pointer for readers, the index for the writer).
  void addEndpoint(const health::EndpointForce*& force, EndpointId& id) {
    id = admin_->addEndpoint();
    force = &std::as_const(*admin_).force(id);
  }
  /// The view's override table, writable: for the loader to hand to the control loop.
  const std::shared_ptr<AdminCells>& sharedAdminCells() const noexcept { return admin_; }
  const std::vector<Region>& regions() const noexcept { return regions_; }
  /// "ap-northeast, eu-west, us-east", for messages that list what exists.
  std::string regionNames() const;

  /// The serial a zone had in the view being replaced, for `serial: auto`.
  void setPreviousSerial(const std::string& apex, uint32_t serial) { previousSerials_[apex] = serial; }
  std::optional<uint32_t> previousSerial(const std::string& apex) const {
    auto it = previousSerials_.find(apex);
    return it == previousSerials_.end() ? std::nullopt : std::optional<uint32_t>(it->second);
  }

  const geo::Database* database() const noexcept { return db_.get(); }
  const std::shared_ptr<const geo::Database>& sharedDatabase() const noexcept { return db_; }

  using Compiled = CompiledTrees;
  /// The compiled policy for `key`, if an identical one was compiled already.
  const Compiled* cached(const PolicyKey& key) const;
  void remember(const PolicyKey& key, Compiled compiled);
  /// Whether this load meets `tree` for the first time (its policy's warnings are given once).
  bool firstUse(const geo::DecisionTree* tree) { return used_.insert(tree).second; }
  /// Starts from the policies a previous load compiled (its regions and database the same).
  void seedPolicies(const PolicyCache& from) { compiled_ = from; }
  /// Those of the policies known now that some record of `view` uses: what the next load starts from.
  PolicyCache policiesUsedBy(const View& view) const;

 private:
  std::shared_ptr<const geo::Database> db_;
  health::Registry* registry_;
  health::Registry local_;  // when no registry is given
  std::vector<Region> regions_;
  std::shared_ptr<AdminCells> admin_ = std::make_shared<AdminCells>();
  std::vector<yaml::SourceLocation> regionWhere_;
  std::vector<std::pair<Region, yaml::SourceLocation>> definitions_;
  PolicyCache compiled_;
  std::set<const geo::DecisionTree*> used_;
  std::map<std::string, uint32_t> previousSerials_;
};

}  // namespace lodestar::zones
