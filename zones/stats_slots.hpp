// How many counters the workers keep per zone and per steered record × region: fixed, so a
// query never allocates and the metrics' labels stay bounded however big the configuration.
#pragma once

#include <cstddef>

namespace lodestar::zones {

/// Zones counted one by one (in view order); the last slot counts every zone after them.
inline constexpr size_t kZoneStatsSlots = 256;
/// Steered records × the view's regions counted one by one; the last slot counts the records
/// whose block no longer fits.
inline constexpr size_t kSteeredStatsSlots = 4096;

}  // namespace lodestar::zones
