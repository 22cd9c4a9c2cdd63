// Test databases: from CSV rows or random networks.
#include "tests/support/geo_fixture.hpp"

#include <fstream>
#include <set>
#include <stdexcept>

#include "geo/mmdb_writer.hpp"

namespace lodestar::test {

std::shared_ptr<geo::Database> buildDatabase(const TempDir& dir, const std::vector<geo::CsvNetwork>& rows,
                                             const std::string& name) {
  geo::MmdbWriter w;
  for (const auto& r : rows) w.insert(r.network, r.facts);
  std::string path = dir.write(name, w.serialize("Lodestar-Test", "test database"));
  std::string error;
  auto db = geo::Database::open(path, error);
  if (!db) throw std::runtime_error(error);
  return db;
}

std::vector<geo::CsvNetwork> readCsv(const std::string& relative) {
  std::vector<geo::CsvNetwork> rows;
  std::vector<std::string> errors;
  if (!geo::readNetworkCsv(dataPath(relative), rows, errors)) throw std::runtime_error(errors.front());
  return rows;
}

wire::Address randomAddress(wire::Family family, std::mt19937& rng) {
  wire::Address a;
  a.family = family;
  for (unsigned i = 0; i < a.bits() / 8; ++i) a.bytes[i] = static_cast<uint8_t>(rng());
  return a;
}

std::vector<geo::CsvNetwork> randomNetworks(size_t count, std::mt19937& rng) {
  static const char* const kContinents[] = {"AF", "AS", "EU", "NA", "OC", "SA"};
  static const char* const kCountries[] = {"US", "CA", "DE", "FR", "JP", "AU", "BR", "NA", "ZA", "IN"};
  static const char* const kSubdivisions[] = {"CA", "TX", "BE", "13", "NSW"};
  std::vector<geo::CsvNetwork> out;
  std::set<std::string> seen;
  while (out.size() < count) {
    geo::CsvNetwork n;
    bool v6 = rng() % 4 == 0;
    wire::Address a = randomAddress(v6 ? wire::Family::IPv6 : wire::Family::IPv4, rng);
    unsigned len = v6 ? 16 + rng() % 49 : 8 + rng() % 25;  // /16../64, /8../32
    for (unsigned bit = len; bit < a.bits(); ++bit) a.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
    n.network = {a, static_cast<uint8_t>(len)};
    if (!seen.insert(n.network.toString()).second) continue;
    if (rng() % 10) n.facts.continent = kContinents[rng() % 6];
    if (rng() % 5) n.facts.country = kCountries[rng() % 10];
    if (rng() % 3 == 0) n.facts.subdivision = kSubdivisions[rng() % 5];
    if (rng() % 4) {
      n.facts.hasLocation = true;
      n.facts.latitude = static_cast<int>(rng() % 180) - 90;
      n.facts.longitude = static_cast<int>(rng() % 360) - 180;
    }
    out.push_back(n);
  }
  return out;
}

}  // namespace lodestar::test
