// The `regions:` and `pools:` blocks of a zone policy file: the regions and endpoints steering chooses between.
#pragma once

#include <map>
#include <string>

#include "zones/check_reader.hpp"
#include "zones/load_context.hpp"
#include "zones/steered_record.hpp"
#include "zones/yaml/yaml_support.hpp"
#include "zones/zone_builder.hpp"

namespace lodestar::zones {

/// `regions:` — name → {latitude, longitude}. Read from every file before any pool.
void readRegions(yaml::YamlReader& yaml, const yaml::Node& regions, LoadContext& ctx);

/// `pools:` — name → region → addresses. The pools are owned by the zone being built.
std::map<std::string, const Pool*> readPools(yaml::YamlReader& yaml, const yaml::Node& pools, const CheckMap& checks,
                                             LoadContext& ctx, ZoneBuilder& builder);

}  // namespace lodestar::zones
