// How a health state change is told: one log line, and the JSON event hooks receive.
#pragma once

#include <string>

#include "health/scheduler.hpp"

namespace lodestar::server {

/// One structured line per state change: what, where, from -> to, why, how fast.
void logHealthChange(const health::StateChange& c);
/// {"event":"health", time, endpoint, where, check, from, to, reason, latency_ms}
std::string healthEventJson(const health::StateChange& c);

}  // namespace lodestar::server
