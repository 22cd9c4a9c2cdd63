// What the locator knows about a client network: area codes, coordinates, ASN.
#pragma once

#include <cstdint>
#include <string>

namespace lodestar::geo {

struct GeoFacts {
  std::string continent;    // "EU"; empty when unknown
  std::string country;      // ISO 3166-1 alpha-2, "DE"
  std::string subdivision;  // ISO 3166-2 part after the country, "BE" (for DE-BE)
  bool hasLocation = false;
  double latitude = 0;
  double longitude = 0;
  uint32_t asn = 0;  // 0: unknown

  bool operator==(const GeoFacts&) const = default;
};

/// Great-circle distance in kilometres (haversine, mean Earth radius).
double distanceKm(double lat1, double lon1, double lat2, double lon2) noexcept;

}  // namespace lodestar::geo
