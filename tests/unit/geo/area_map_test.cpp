// Geo map keys: which key matches, most specific first.
#include <catch2/catch.hpp>

#include "geo/area_map.hpp"

using namespace lodestar::geo;

namespace {
GeoFacts facts(std::string continent, std::string country, std::string subdivision = "") {
  GeoFacts f;
  f.continent = std::move(continent);
  f.country = std::move(country);
  f.subdivision = std::move(subdivision);
  return f;
}
}  // namespace

TEST_CASE("the most specific key wins: subdivision > country > continent > default", "[geo][map]") {
  AreaMap m;
  std::string error;
  REQUIRE(m.add("US-CA", 1, error));
  REQUIRE(m.add("US", 2, error));
  REQUIRE(m.add("NA", 3, error));
  REQUIRE(m.add("EU", 4, error));
  m.setDefault(9);
  CHECK(m.match(facts("NA", "US", "CA")).value == 1);
  CHECK(m.match(facts("NA", "US", "CA")).key == "US-CA");
  CHECK(m.match(facts("NA", "US", "TX")).value == 2);
  CHECK(m.match(facts("NA", "CA")).value == 3);
  CHECK(m.match(facts("NA", "CA")).key == "NA");
  CHECK(m.match(facts("EU", "DE", "BE")).value == 4);
  CHECK(m.match(facts("AS", "JP")).value == 9);
  CHECK(m.match(facts("AS", "JP")).key == "default");
  CHECK(m.match(GeoFacts{}).value == 9);
}

TEST_CASE("continent codes are continents, country:XX names the clashing countries", "[geo][map]") {
  AreaMap m;
  std::string error;
  REQUIRE(m.add("NA", 1, error));          // North America
  REQUIRE(m.add("country:NA", 2, error));  // Namibia
  m.setDefault(0);
  CHECK(m.match(facts("AF", "NA")).value == 2);
  CHECK(m.match(facts("AF", "NA")).key == "country:NA");
  CHECK(m.match(facts("NA", "US")).value == 1);
}

TEST_CASE("malformed and duplicate keys are refused with a reason", "[geo][map]") {
  AreaMap m;
  std::string error;
  CHECK_FALSE(m.add("Europe", 1, error));
  CHECK_THAT(error, Catch::Contains("is not an area key"));
  CHECK_FALSE(m.add("us", 1, error));
  CHECK(m.add("DE", 1, error));
  CHECK_FALSE(m.add("DE", 2, error));
  CHECK_THAT(error, Catch::Contains("appears twice"));
}

TEST_CASE("great-circle distances are right to a few kilometres", "[geo][distance]") {
  CHECK(distanceKm(53.3, -6.3, 53.3, -6.3) == Approx(0).margin(1e-9));
  CHECK(distanceKm(38.9, -77.0, 51.5, -0.1) == Approx(5900).epsilon(0.01));   // Washington–London
  CHECK(distanceKm(35.7, 139.7, 37.6, 126.9) == Approx(1160).epsilon(0.02));  // Tokyo–Seoul
  CHECK(distanceKm(0, 0, 0, 180) == Approx(20015).epsilon(0.001));            // half the equator
}
