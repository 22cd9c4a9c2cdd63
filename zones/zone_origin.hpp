// What a compiled zone was made from, kept with it so that the next load can tell whether
// compiling its file again would give the same zone.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "zones/steered_record.hpp"
#include "zones/yaml/diagnostics.hpp"

namespace lodestar::zones {

struct ZoneOrigin {
  /// Every file its compile read, by path and content digest: its policy file first, then
  /// the zone files it includes.
  std::vector<std::pair<std::string, uint64_t>> sources;
  /// The warnings its compile gave: a load that keeps the zone gives them again.
  std::vector<yaml::Diagnostic> warnings;
  /// The regions its policy file defines, and where: a load that finds the file unchanged
  /// defines them again without parsing it.
  std::vector<std::pair<Region, yaml::SourceLocation>> regions;
  const std::string& policyFile() const noexcept { return sources.front().first; }
  uint64_t policyDigest() const noexcept { return sources.front().second; }
};

}  // namespace lodestar::zones
