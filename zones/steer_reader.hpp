// The steering parts of a zone policy file: regions, pools and each record's `steer` block.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "zones/check_reader.hpp"
#include "zones/steered_record.hpp"
#include "zones/load_context.hpp"
#include "zones/yaml/yaml_support.hpp"
#include "zones/zone_builder.hpp"

namespace lodestar::zones {

/// `regions:` — name → {latitude, longitude}. Read from every file before any pool.
void readRegions(YamlReader& yaml, const YAML::Node& regions, LoadContext& ctx);

/// `pools:` — name → region → addresses. The pools are owned by the zone being built.
std::map<std::string, const Pool*> readPools(YamlReader& yaml, const YAML::Node& pools, const CheckMap& checks,
                                             LoadContext& ctx, ZoneBuilder& builder);

/// A record's `steer:` block: policy, pool, ttl, map / default. Compiles the policy.
std::optional<SteeredRecord> readSteer(YamlReader& yaml, const YAML::Node& steer, const std::string& path,
                                       const std::string& ownerText, const std::map<std::string, const Pool*>& pools,
                                       LoadContext& ctx);

}  // namespace lodestar::zones
