// A geo map's area keys: subdivision ("US-CA") > country ("DE") > continent ("EU") > default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <unordered_map>

#include "geo/geo_facts.hpp"

namespace lodestar::geo {

class AreaMap {
 public:
  /// Adds an area key. The seven continent codes (AF AN AS EU NA OC SA) are continents;
  /// write "country:NA" for a country whose code is also a continent code. Returns false
  /// with `error` set for a malformed or duplicate key.
  bool add(const std::string& key, uint32_t value, std::string& error);
  void setDefault(uint32_t value) { default_ = value; }

  struct Match {
    uint32_t value;
    std::string key;  // the key that matched, "default" when none did
  };
  /// The most specific key for these facts.
  Match match(const GeoFacts& facts) const;
  /// Every key that maps to `value`, sorted (for naming a group of clients to a person).
  std::vector<std::string> keysFor(uint32_t value) const;

 private:
  std::unordered_map<std::string, uint32_t> subdivisions_, countries_, continents_;
  uint32_t default_ = 0;
};

/// True for AF, AN, AS, EU, NA, OC, SA.
bool isContinentCode(const std::string& code);
/// True for an ISO 3166-1 alpha-2 country code (and XK, which geo databases use).
bool isCountryCode(std::string_view code);

}  // namespace lodestar::geo
