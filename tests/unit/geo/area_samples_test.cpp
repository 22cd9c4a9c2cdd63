// The drill's client sample: addresses of every country a database names.
#include <catch2/catch.hpp>

#include <map>

#include "geo/area_samples.hpp"
#include "tests/support/geo_fixture.hpp"

using namespace lodestar;
using test::TempDir;

namespace {

std::map<std::string, geo::AreaSample> byCountry(const geo::AreaSampling& s) {
  std::map<std::string, geo::AreaSample> out;
  for (const auto& a : s.areas) out[a.country] = a;
  return out;
}

}  // namespace

TEST_CASE("every country of the database is sampled, IPv4 then IPv6, each address in its own country",
          "[geo][drill]") {
  TempDir dir;
  auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
  auto sampled = geo::sampleAreas(*db, 5);
  CHECK(sampled.complete);
  auto areas = byCountry(sampled);
  // US CA DE FR NA JP AU AT: 10.9.0.0/16 names no country and is no area.
  CHECK(areas.size() == 8);
  REQUIRE(areas.count("DE"));
  const auto& de = areas["DE"];
  CHECK(de.continent == "EU");
  // 10.4.0.0/17 (the /16 less the AT /17 inside it) and 2001:db8:1::/48.
  CHECK(de.networks == 2);
  REQUIRE(de.addresses.size() == 2);
  CHECK(de.addresses[0].toString() == "10.4.0.0");
  CHECK(de.addresses[1].toString() == "2001:db8:1::");
  CHECK(areas["AT"].addresses.at(0).toString() == "10.4.128.0");
  // Each sampled address looks up as its own country.
  for (const auto& [country, area] : areas)
    for (const auto& a : area.addresses) CHECK(db->lookup(a).facts.country == country);
}

TEST_CASE("the sample per area is capped, and the walk stops at its node budget", "[geo][drill]") {
  TempDir dir;
  auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
  auto one = byCountry(geo::sampleAreas(*db, 1));
  CHECK(one["DE"].addresses.size() == 1);
  CHECK(one["DE"].networks == 2);  // counted past the cap
  auto cut = geo::sampleAreas(*db, 5, 3);
  CHECK_FALSE(cut.complete);
  CHECK(cut.areas.size() < 8);
}
