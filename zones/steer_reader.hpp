// A record's `steer:` block in a zone policy file: the policy, the pool and the answer's options.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "zones/load_context.hpp"
#include "zones/steered_record.hpp"
#include "zones/yaml/yaml_support.hpp"

namespace lodestar::zones {

/// A record's `steer:` block: policy, pool, ttl, map / default. Compiles the policy (records
/// of the view with an identical policy share its tree).
std::optional<SteeredRecord> readSteer(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path,
                                       const std::string& ownerText, const std::map<std::string, const Pool*>& pools,
                                       LoadContext& ctx);

}  // namespace lodestar::zones
