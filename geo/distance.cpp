// Great-circle distance between two coordinates.
#include <cmath>

#include "geo/geo_facts.hpp"

namespace lodestar::geo {

double distanceKm(double lat1, double lon1, double lat2, double lon2) noexcept {
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kRad = M_PI / 180.0;
  double dLat = (lat2 - lat1) * kRad;
  double dLon = (lon2 - lon1) * kRad;
  double a = std::sin(dLat / 2) * std::sin(dLat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dLon / 2) * std::sin(dLon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace lodestar::geo
