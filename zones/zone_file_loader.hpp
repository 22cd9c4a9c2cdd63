// Standard RFC 1035 master files ($ORIGIN, $TTL, $INCLUDE), read into a ZoneBuilder.
#pragma once

#include <cstdint>
#include <string>

#include "zones/yaml/diagnostics.hpp"
#include "zones/zone_builder.hpp"

namespace lodestar::zones {

/// Reads `path` with the builder's apex as the initial $ORIGIN and `defaultTtl` until a
/// $TTL directive. Every problem is reported with file:line:column; loading continues
/// past bad records so all of them are listed.
void loadZoneFile(const std::string& path, uint32_t defaultTtl, ZoneBuilder& builder, yaml::Diagnostics& diags);
/// The same on text already read; `path` names it in messages and anchors relative $INCLUDEs.
void loadZoneText(const std::string& path, const std::string& text, uint32_t defaultTtl, ZoneBuilder& builder,
                  yaml::Diagnostics& diags);

}  // namespace lodestar::zones
