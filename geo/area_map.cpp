// Area key parsing and most-specific matching.
#include "geo/area_map.hpp"

#include <algorithm>

namespace lodestar::geo {

namespace {
bool isCode(const std::string& s, size_t from, size_t len) {
  if (s.size() < from + len) return false;
  for (size_t i = from; i < from + len; ++i) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}
}  // namespace

bool isContinentCode(const std::string& code) {
  static const char* const kCodes[] = {"AF", "AN", "AS", "EU", "NA", "OC", "SA"};
  for (const char* c : kCodes)
    if (code == c) return true;
  return false;
}

bool AreaMap::add(const std::string& key, uint32_t value, std::string& error) {
  std::unordered_map<std::string, uint32_t>* table = nullptr;
  std::string code = key;
  if (key.rfind("country:", 0) == 0 && key.size() == 10 && isCode(key, 8, 2)) {
    code = key.substr(8);
    table = &countries_;
  } else if (key.size() == 2 && isCode(key, 0, 2)) {
    table = isContinentCode(key) ? &continents_ : &countries_;
  } else if (key.size() >= 4 && key.size() <= 6 && key[2] == '-' && isCode(key, 0, 2) && isCode(key, 3, key.size() - 3)) {
    table = &subdivisions_;
  } else {
    error = "'" + key +
            "' is not an area key (continent EU, country DE, country:NA, subdivision US-CA, a network "
            "192.0.2.0/24, or default)";
    return false;
  }
  // A key whose country is no country can never match a client: "OR-US" for US-OR, "XX".
  if (table != &continents_ && !isCountryCode(code.substr(0, 2))) {
    error = "'" + code.substr(0, 2) + "' in '" + key + "' is not a country code (ISO 3166-1, e.g. DE" +
            (table == &subdivisions_ ? "; a subdivision is COUNTRY-SUBDIVISION, e.g. US-CA" : "") + ")";
    return false;
  }
  if (!table->emplace(code, value).second) {
    error = "area '" + key + "' appears twice";
    return false;
  }
  return true;
}

AreaMap::Match AreaMap::match(const GeoFacts& f) const {
  if (!f.country.empty() && !f.subdivision.empty()) {
    auto it = subdivisions_.find(f.country + "-" + f.subdivision);
    if (it != subdivisions_.end()) return {it->second, it->first};
  }
  if (!f.country.empty()) {
    auto it = countries_.find(f.country);
    if (it != countries_.end()) return {it->second, isContinentCode(f.country) ? "country:" + f.country : f.country};
  }
  if (!f.continent.empty()) {
    auto it = continents_.find(f.continent);
    if (it != continents_.end()) return {it->second, it->first};
  }
  return {default_, "default"};
}

std::vector<std::string> AreaMap::keysFor(uint32_t value) const {
  std::vector<std::string> keys;
  for (const auto* table : {&subdivisions_, &countries_, &continents_})
    for (const auto& [key, v] : *table)
      if (v == value) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace lodestar::geo
