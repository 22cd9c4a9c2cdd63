// Expands directories, loads every zone policy file and rejects duplicate zones.
#include "zones/view_loader.hpp"

#include <algorithm>
#include <filesystem>

#include "zones/policy_loader.hpp"
#include "zones/wire_name.hpp"

namespace lodestar::zones {

std::unique_ptr<View> loadView(const std::vector<std::string>& paths, Diagnostics& diags) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(p, ec)) {
        auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) diags.warning({p, 0, 0}, "directory holds no zone policy files (*.yaml)");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  auto view = std::make_unique<View>();
  for (const auto& f : files) {
    auto zone = loadZonePolicy(f, diags);
    if (!zone) continue;
    std::string apex = nameToText(zone->apex());
    if (!view->add(std::move(zone))) diags.error({f, 0, 0}, "zone " + apex + " is defined in more than one file");
  }
  if (!diags.ok()) return nullptr;
  return view;
}

}  // namespace lodestar::zones
