// Availability of each region's pools, as operators read it in `status`: the share of
// seconds in which the pool could serve in that region (not drained, at least one endpoint
// serving: healthy or forced up, and not forced down), over the last hour and the last day;
// the rest split into planned (the region drained, by a drain or an open maintenance window)
// and unplanned (not drained, and no endpoint serving). Sampled once a second by the control
// loop; per-minute buckets, so memory is fixed.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "zones/view.hpp"

namespace lodestar::server {

class Availability {
 public:
  /// One sample of every (region, pool) of the view at `now` (unix seconds). Pools of the
  /// same name in several zones count as one: usable when any of them is.
  void sample(const zones::View& view, int64_t now);

  struct Share {
    double lastHour = 100, lastDay = 100;            // serving: percent of the sampled seconds of each window
    double plannedLastHour = 0, plannedLastDay = 0;  // drained (a drain or an open window)
    double unplannedLastHour = 0, unplannedLastDay = 0;  // not drained, yet no endpoint serving
    uint64_t sampledSeconds = 0;                     // within the last day
  };
  std::optional<Share> of(const std::string& region, const std::string& pool, int64_t now) const;

 private:
  static constexpr int64_t kMinutes = 1440;
  struct Minute {
    int64_t minute = -1;  // which minute this bucket holds (unix time / 60)
    uint8_t usable = 0, planned = 0, sampled = 0;  // planned: drained seconds
  };
  std::map<std::pair<std::string, std::string>, std::array<Minute, kMinutes>> buckets_;
};

}  // namespace lodestar::server
