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
/// `serial: auto` get a serial above the previous one, and, when `registry` is the one
/// `previous` was loaded with and the regions and database are the same, its zones whose
/// files (the policy file and every zone file it includes) have the same bytes are kept
/// as they are, not compiled again.
/// The view, and the writable handle of the override table it reads (AdminCells): the view
/// never writes it; whoever applies drains and forced states keeps this handle.
struct LoadedView {
  std::unique_ptr<View> view;
  std::shared_ptr<AdminCells> admin;
  size_t compiled = 0;  // policy files compiled
  size_t kept = 0;      // policy files whose zone was kept from `previous`
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
