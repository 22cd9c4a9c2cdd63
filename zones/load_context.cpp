// Region registry and policy cache.
#include "zones/load_context.hpp"

#include <algorithm>
#include <set>

#include "zones/view.hpp"

namespace lodestar::zones {

const char* policyName(PolicyKind kind) noexcept {
  switch (kind) {
    case PolicyKind::Geo: return "geo";
    case PolicyKind::Nearest: return "nearest";
    case PolicyKind::Failover: return "failover";
    case PolicyKind::Weighted: return "weighted";
    case PolicyKind::All: return "all";
  }
  return "?";
}

void LoadContext::defineRegion(const Region& region, const yaml::SourceLocation& where, yaml::Diagnostics& diags) {
  definitions_.emplace_back(region, where);
  for (size_t i = 0; i < regions_.size(); ++i) {
    if (regions_[i].name != region.name) continue;
    const Region& old = regions_[i];
    if (old.hasLocation != region.hasLocation || old.latitude != region.latitude || old.longitude != region.longitude)
      diags.error(where, "region '" + region.name + "' is defined differently at " + regionWhere_[i].file + ":" +
                             std::to_string(regionWhere_[i].line) + " (regions are global: one definition)");
    return;
  }
  regions_.push_back(region);
  regionWhere_.push_back(where);
}

std::optional<RegionId> LoadContext::region(const std::string& name) const {
  for (size_t i = 0; i < regions_.size(); ++i)
    if (regions_[i].name == name) return static_cast<RegionId>(i);
  return std::nullopt;
}

bool LoadContext::freezeRegions(std::shared_ptr<AdminCells> extend) {
  if (extend && extend->regionCount() == regions_.size() + 1) {
    admin_ = std::move(extend);
    return true;
  }
  admin_->setRegionCount(regions_.size() + 1);
  return false;
}

std::string LoadContext::regionNames() const {
  std::vector<std::string> names;
  for (const auto& r : regions_) names.push_back(r.name);
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none defined)" : out;
}

std::shared_ptr<health::HealthCell> LoadContext::healthCell(const health::CheckSpec* check,
                                                            const wire::Address& address) {
  // Same address probed the same way: one cell, wherever it is listed.
  return healthCell(check, address.toString());
}

std::shared_ptr<health::HealthCell> LoadContext::healthCell(const health::CheckSpec* check,
                                                            const std::string& identity) {
  return (registry_ ? *registry_ : local_).acquire((check ? check->identity() : "unchecked") + "|" + identity);
}

const LoadContext::Compiled* LoadContext::cached(const PolicyKey& key) const {
  auto it = compiled_.find(key);
  return it == compiled_.end() ? nullptr : &it->second;
}

void LoadContext::remember(const PolicyKey& key, Compiled compiled) {
  compiled_.emplace(key, std::move(compiled));
}

PolicyCache LoadContext::policiesUsedBy(const View& view) const {
  std::set<const geo::DecisionTree*> used;
  for (const auto& zone : view.zones())
    for (const auto& record : zone->steered()) used.insert(record->tree.get());
  PolicyCache out;
  for (const auto& [key, compiled] : compiled_)
    if (used.count(compiled.tree.get())) out.emplace(key, compiled);
  return out;
}

}  // namespace lodestar::zones
