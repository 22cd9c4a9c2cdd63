// Zone policy files (YAML): apex, nameservers, included zone file, records → a compiled zone.
#pragma once

#include <memory>
#include <string>

#include "zones/diagnostics.hpp"
#include "zones/zone.hpp"

namespace lodestar::zones {

/// Loads and compiles one zone policy file. Returns null when any error was reported; every
/// error carries file:line:column and the key path. The format is in docs/zone-policy.md.
std::unique_ptr<Zone> loadZonePolicy(const std::string& path, Diagnostics& diags);

}  // namespace lodestar::zones
