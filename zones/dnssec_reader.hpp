// Reads `dnssec:` of a zone policy file into a DnssecPolicy (the keys are read when the zone
// is signed, dns/dnssec).
#pragma once

#include <optional>
#include <string>

#include "zones/dnssec_policy.hpp"
#include "zones/yaml/yaml_support.hpp"

namespace lodestar::zones {

/// Null when a mistake was reported. Key paths are relative to `directory` (the policy
/// file's, with its trailing '/', or empty).
std::optional<DnssecPolicy> readDnssec(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& directory);

}  // namespace lodestar::zones
