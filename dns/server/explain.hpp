// `lodestarctl explain`: why a client gets its answer. Runs the real answer path on a
// synthesized query, and lays out each step: geo facts, the map key, the region order,
// each region's health and admin state.
#pragma once

#include <nlohmann/json.hpp>

#include "zones/view.hpp"

namespace lodestar::server {

/// args: name, type (default "A"), client (an address), ecs (optional "addr/len").
/// Returns {answer: hex bytes, steering: {...}} or {error}.
nlohmann::json explain(const zones::View& view, const nlohmann::json& args);

}  // namespace lodestar::server
