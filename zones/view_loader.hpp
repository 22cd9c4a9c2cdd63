// Builds a whole view from the zone policy files (or directories of them) a config names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "geo/database.hpp"
#include "health/state/registry.hpp"
#include "zones/yaml/diagnostics.hpp"
#include "zones/view.hpp"

namespace lodestar::zones {

/// Each entry is a .yaml policy file or a directory whose *.yaml / *.yml files are read in
/// name order. Steering policies compile against `db` (may be null); endpoint health cells
/// come from `registry` (may be null). Returns null when any file has an error; all errors
/// are reported. `previous` (may be null) is the view this one replaces: zones with
/// `serial: auto` get a serial above the previous one.
/// The view, and the writable handle of the override table it reads (AdminCells): the view
/// never writes it; whoever applies drains and forced states keeps this handle.
struct LoadedView {
  std::unique_ptr<View> view;
  std::shared_ptr<AdminCells> admin;
};
LoadedView loadViewAndAdmin(const std::vector<std::string>& paths, std::shared_ptr<const geo::Database> db,
                            yaml::Diagnostics& diags, health::Registry* registry = nullptr, const View* previous = nullptr);
/// The view alone, for readers that never apply overrides.
inline std::unique_ptr<View> loadView(const std::vector<std::string>& paths, std::shared_ptr<const geo::Database> db,
                                      yaml::Diagnostics& diags, health::Registry* registry = nullptr,
                                      const View* previous = nullptr) {
  return loadViewAndAdmin(paths, std::move(db), diags, registry, previous).view;
}

}  // namespace lodestar::zones
