// `lodestar --check` on mistakes a new operator makes: each reported where it was written,
// and one root error gives one message.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {
std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
CommandResult check(const TempDir& dir, const std::string& zone) {
  dir.write("zones/z.yaml", zone);
  auto cfg = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\ngeo: {database: " +
                                            std::string(LODESTAR_DEMO_DIR) + "/geo/demo.mmdb}\n");
  return runCommand(std::string(LODESTAR_BINARY_FOR_TESTS) + " --check -c " + cfg);
}
const char* kHead = R"(zone: example.test
soa: {serial: 1}
nameservers: {ns1: 192.0.2.1}
regions: {east: ~, west: ~}
pools: {web: {regions: {east: [192.0.2.1], west: [192.0.2.2]}}}
)";
}  // namespace

TEST_CASE("map keys that can never match: a bad country is an error, an unmatched area a warning",
          "[e2e][check][regression]") {
  TempDir dir;
  auto swapped = check(dir, std::string(kHead) + "records:\n  www:\n    steer:\n      policy: geo\n      pool: web\n"
                                                 "      map:\n        OR-US: [west]\n        default: [east]\n");
  INFO(swapped.output);
  CHECK(swapped.status == 1);
  CHECK_THAT(swapped.output, Catch::Contains("z.yaml:12:9: records.www.steer.map.OR-US: 'OR' in 'OR-US' is not a "
                                             "country code"));
  auto unknown = check(dir, std::string(kHead) + "records:\n  www:\n    steer:\n      policy: geo\n      pool: web\n"
                                                 "      map:\n        US-XX: [west]\n        XY: [west]\n"
                                                 "        default: [east]\n");
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.output, Catch::Contains("'XY' in 'XY' is not a country code"));
  auto unmatched = check(dir, std::string(kHead) + "records:\n  www:\n    steer:\n      policy: geo\n      pool: web\n"
                                                   "      map:\n        US-XX: [west]\n        FR: [west]\n"
                                                   "        US: [west]\n        default: [east]\n");
  INFO(unmatched.output);
  CHECK(unmatched.status == 0);
  CHECK_THAT(unmatched.output, Catch::Contains("z.yaml:12:9: warning: records.www.steer.map.US-XX: no network of the geo "
                                               "database"));
  CHECK_THAT(unmatched.output, Catch::Contains("records.www.steer.map.FR: no network of the geo database"));
  CHECK_THAT(unmatched.output, !Catch::Contains("map.US: no network"));
}

TEST_CASE("a '*' label is a wildcard as the leftmost label, and an error anywhere else", "[e2e][check][regression]") {
  TempDir dir;
  auto good = check(dir, std::string(kHead) + "records:\n  \"*.promo\": {A: 192.0.2.9}\n");
  INFO(good.output);
  CHECK(good.status == 0);
  auto r = check(dir, std::string(kHead) + "records:\n  \"x.*.promo\": {A: 192.0.2.9}\n");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("owner x.*.promo.example.test.: a '*' label is a wildcard only as the leftmost "
                                       "label (RFC 4592)"));
}

TEST_CASE("one bad value in a check gives one error, not one per pool using it", "[e2e][check][regression]") {
  TempDir dir;
  auto r = check(dir, "zone: example.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n"
                      "checks: {web-http: {kind: http, timeout: soon}}\nregions: {east: ~}\n"
                      "pools:\n  a: {check: web-http, regions: {east: [192.0.2.1]}}\n"
                      "  b: {check: web-http, regions: {east: [192.0.2.2]}}\n"
                      "records:\n  www: {steer: {policy: failover, pool: a}}\n  api: {steer: {policy: failover, pool: b}}\n");
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("checks.web-http.timeout"));
  CHECK_THAT(r.output, !Catch::Contains("unknown check"));
  CHECK_THAT(r.output, !Catch::Contains("unknown pool"));
}

TEST_CASE("http expect takes one status or a list, as documented", "[e2e][check]") {
  TempDir dir;
  for (const char* expect : {"200", "[200, 204]"}) {
    auto r = check(dir, std::string(kHead).replace(std::string(kHead).find("pools:"), 0,
                                                    "checks: {h: {kind: http, http: {expect: " + std::string(expect) +
                                                        "}}}\n") +
                            "records:\n  www: {steer: {policy: failover, pool: web}}\n");
    INFO(r.output);
    CHECK(r.status == 0);
  }
}

TEST_CASE("control_socket naming a file that is not a socket: refused at --check and at start, the file kept",
          "[e2e][check][regression]") {
  TempDir dir;
  dir.write("zones/z.yaml", std::string(kHead) + "records:\n  www: {A: 192.0.2.9}\n");
  const std::string zone = readFile(dir.path() + "/zones/z.yaml");
  for (const std::string target : {"zones/z.yaml", "lodestar.yaml"}) {
    auto cfg = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nstate_dir: state\ncontrol_socket: " +
                                              target + "\ngeo: {database: " + std::string(LODESTAR_DEMO_DIR) +
                                              "/geo/demo.mmdb}\n");
    const std::string config = readFile(cfg);
    auto checked = runCommand(std::string(LODESTAR_BINARY_FOR_TESTS) + " --check -c " + cfg);
    INFO(checked.output);
    CHECK(checked.status == 1);
    CHECK_THAT(checked.output, Catch::Contains("lodestar.yaml:4:17: control_socket: '") &&
                                   Catch::Contains(target + "' exists and is not a socket"));
    auto started = runCommand("timeout 10 " + std::string(LODESTAR_BINARY_FOR_TESTS) + " -c " + cfg);
    INFO(started.output);
    CHECK(started.status == 1);
    CHECK(readFile(dir.path() + "/zones/z.yaml") == zone);
    CHECK(readFile(cfg) == config);
  }
}
