// What to probe: every endpoint of every checked pool in a view, once per health cell.
#pragma once

#include <vector>

#include "health/scheduler.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

/// `clustered`: checks whose consensus is quorum (the default there) get shared cells.
std::vector<health::ProbeTarget> probeTargets(const zones::View& view, bool clustered = false);

}  // namespace lodestar::server
