// Where the status page's world view draws each country, and the point the steering map
// places that country's clients at: data generated once from the tz database's zone.tab by
// tools/status_map/make_points.py (the build needs no Python).
#pragma once

#include <span>

namespace lodestar::server {

struct WorldPoint {
  char country[3];    // ISO 3166-1 alpha-2, "DE" (and XK)
  char continent[3];  // the code geo databases give the country: AF AN AS EU NA OC SA
  float latitude;
  float longitude;
  bool primary;  // the country's one point (the median of its zones); false: one more zone of a large country
};

/// Every point, by country code; each country has exactly one primary point.
std::span<const WorldPoint> worldPoints() noexcept;

}  // namespace lodestar::server
