// Zone policy files (YAML): apex, nameservers, included zone file, records → a compiled zone.
#pragma once

#include <memory>
#include <string>

#include "zones/yaml/diagnostics.hpp"
#include "zones/load_context.hpp"
#include "zones/yaml/yaml_support.hpp"
#include "zones/zone.hpp"

namespace lodestar::zones {

/// Compiles one zone policy file, already parsed into `root`, within the view's shared
/// context (regions of every file already read). Returns null when any error was reported;
/// every error carries file:line:column and the key path. The format is in docs/zone-policy.md.
std::unique_ptr<Zone> compileYamlZone(yaml::YamlReader& yaml, const yaml::Node& root, LoadContext& ctx);

/// One file on its own, with no geo database: for tests and tools.
std::unique_ptr<Zone> loadYamlZone(const std::string& path, yaml::Diagnostics& diags);

}  // namespace lodestar::zones
