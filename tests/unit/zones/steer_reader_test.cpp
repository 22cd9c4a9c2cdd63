// Steering in zone policy files: what compiles and the errors an operator gets.
#include <catch2/catch.hpp>

#include "tests/support/geo_fixture.hpp"
#include "zones/view_loader.hpp"
#include "dns/wire/name_text.hpp"

using namespace lodestar;
using test::TempDir;

namespace {
const char* kHead = R"(zone: example.test
soa: {serial: 1}
nameservers: {ns1: 192.0.2.1}
regions:
  east: {latitude: 39, longitude: -77}
  west: {latitude: 37, longitude: -122}
  nowhere: ~
pools:
  web:
    regions:
      east: [192.0.2.1]
      west: [192.0.2.2]
)";

std::string errorsOf(const std::string& text, bool withDatabase = true) {
  TempDir dir;
  yaml::Diagnostics d;
  auto db = withDatabase ? test::buildDatabase(dir, test::readCsv("geo/test-networks.csv")) : nullptr;
  auto view = zones::loadView({dir.write("z.yaml", text)}, db, d);
  CHECK_FALSE(view);
  return d.report();
}
}  // namespace

TEST_CASE("the steering test zone compiles with every policy", "[zones][steering]") {
  TempDir dir;
  auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
  yaml::Diagnostics d;
  auto view = zones::loadView({test::dataPath("steering/steer.example.yaml")}, db, d);
  INFO(d.report());
  REQUIRE(view);
  CHECK(view->regions().size() == 6);
  REQUIRE(view->zones().size() == 1);
  CHECK(view->zones()[0]->steered().size() == 3);
}

TEST_CASE("steering errors name the key path and what exists", "[zones][steering]") {
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: geo, pool: web, map: {default: [north]}}\n"),
             Catch::Contains("records.www.steer.map.default: unknown region 'north' (known: east, nowhere, west)"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: geo, pool: pool2, map: {default: [east]}}\n"),
             Catch::Contains("records.www.steer.pool: unknown pool 'pool2' (defined in this file: web)"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: random, pool: web}\n"),
             Catch::Contains("unknown policy 'random'"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: geo, pool: web, map: {EU: [east]}}\n"),
             Catch::Contains("a geo map needs a 'default'"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: geo, pool: web, map: {default: [nowhere]}}\n"),
             Catch::Contains("region 'nowhere' has no endpoints in pool 'web'"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: geo, pool: web, map: {Europe: [east], default: [east]}}\n"),
             Catch::Contains("'Europe' is not an area key"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: geo, pool: web, map: {10.0.0.1/8: [east], default: [east]}}\n"),
             Catch::Contains("'10.0.0.1/8' is not a network"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    steer: {policy: geo, pool: web, polcy: geo}\n"),
             Catch::Contains("records.www.steer.polcy: unknown key"));
  CHECK_THAT(errorsOf(std::string(kHead) + "records:\n  www:\n    A: 192.0.2.9\n    steer: {policy: nearest, pool: web}\n"),
             Catch::Contains("it cannot also have static A records"));
}

TEST_CASE("nearest needs coordinates for every region of its pool", "[zones][steering]") {
  std::string text = std::string(kHead) + "  far:\n    regions: {nowhere: [192.0.2.3], east: [192.0.2.4]}\n"
                     "records:\n  www:\n    steer: {policy: nearest, pool: far}\n";
  CHECK_THAT(errorsOf(text), Catch::Contains("nearest needs coordinates for region 'nowhere'"));
}

TEST_CASE("pool mistakes: unknown region, bad address, duplicates", "[zones][steering]") {
  std::string base = "zone: example.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\nregions: {east: ~}\n";
  CHECK_THAT(errorsOf(base + "pools:\n  web:\n    regions: {west: [192.0.2.1]}\n"),
             Catch::Contains("pools.web.regions.west: unknown region 'west' (known: east)"));
  CHECK_THAT(errorsOf(base + "pools:\n  web:\n    regions: {east: [192.0.2.300]}\n"),
             Catch::Contains("'192.0.2.300' is not an IPv4 or IPv6 address"));
  CHECK_THAT(errorsOf(base + "pools:\n  web:\n    regions: {east: [192.0.2.1, 192.0.2.1]}\n"),
             Catch::Contains("address 192.0.2.1 is listed twice"));
}

TEST_CASE("a region defined twice must agree", "[zones][steering]") {
  TempDir dir;
  std::string common = "soa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n";
  auto a = dir.write("a.yaml", "zone: a.test\n" + common + "regions: {east: {latitude: 1, longitude: 2}}\n");
  auto b = dir.write("b.yaml", "zone: b.test\n" + common + "regions: {east: {latitude: 1, longitude: 3}}\n");
  yaml::Diagnostics d;
  CHECK_FALSE(zones::loadView({a, b}, nullptr, d));
  CHECK_THAT(d.report(), Catch::Contains("region 'east' is defined differently at " + a + ":4"));
}

TEST_CASE("a pool lists at most 64 regions", "[zones][steering]") {
  auto zoneWith = [](int regions) {
    std::string text = "zone: example.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\nregions:\n";
    for (int i = 0; i < regions; ++i) text += "  r" + std::to_string(i) + ": ~\n";
    text += "pools:\n  web:\n    regions:\n";
    for (int i = 0; i < regions; ++i) text += "      r" + std::to_string(i) + ": [192.0.2." + std::to_string(i + 1) + "]\n";
    return text + "records:\n  www:\n    steer: {policy: weighted, pool: web}\n";
  };
  TempDir dir;
  yaml::Diagnostics d;
  CHECK(zones::loadView({dir.write("ok.yaml", zoneWith(64))}, nullptr, d));
  INFO(d.report());
  CHECK_THAT(errorsOf(zoneWith(65)), Catch::Contains("pools.web.regions: a pool lists at most 64 regions (this one 65)"));
  CHECK_THAT(errorsOf(zoneWith(65)), Catch::Contains("z.yaml:73:7"));
}

TEST_CASE("geo areas and nearest without a geo database are errors, networks alone are not", "[zones][steering][regression]") {
  std::string geo = std::string(kHead) +
                    "records:\n  www:\n    steer:\n      policy: geo\n      pool: web\n      map:\n"
                    "        EU: [west, east]\n        default: [east, west]\n";
  CHECK_THAT(errorsOf(geo, false), Catch::Contains("z.yaml:19:9: records.www.steer.map.EU: an area key needs a geo "
                                                   "database"));
  std::string nearest = std::string(kHead) + "records:\n  www:\n    steer: {policy: nearest, pool: web}\n";
  CHECK_THAT(errorsOf(nearest, false), Catch::Contains("records.www.steer.policy: policy nearest needs a geo database"));
  TempDir dir;
  yaml::Diagnostics d;
  std::string networks = std::string(kHead) +
                         "records:\n  www:\n    steer:\n      policy: geo\n      pool: web\n      map:\n"
                         "        192.0.2.0/24: [west, east]\n        default: [east, west]\n";
  auto view = zones::loadView({dir.write("z.yaml", networks)}, nullptr, d);
  INFO(d.report());
  CHECK(view);
}
