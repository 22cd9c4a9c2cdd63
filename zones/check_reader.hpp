// `checks:` in a zone policy file: probe definitions that pools name.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "health/state/check_spec.hpp"
#include "zones/yaml/yaml_support.hpp"

namespace lodestar::zones {

/// Check name → its spec; null for a check defined with errors (already reported).
using CheckMap = std::map<std::string, std::shared_ptr<const health::CheckSpec>>;

/// Reads every check; each problem is reported with its key path.
CheckMap readChecks(yaml::YamlReader& yaml, const yaml::Node& checks);

}  // namespace lodestar::zones
