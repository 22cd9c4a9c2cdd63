// `lodestarctl export` on the running daemon: RFC 1035 text that BIND's named-checkzone and
// ldns-read-zone load as the zone (wildcards, a CNAME at a wildcard, a delegation with glue,
// steered names), each steered name written as its answer for the --client given, marked so.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_answers.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/skip.hpp"

using namespace lodestar::test;

namespace {

bool haveCheckers() {
  return access("/usr/bin/named-checkzone", X_OK) == 0 && access("/usr/bin/ldns-read-zone", X_OK) == 0;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Both loaders accept FILE as ZONE's data: exit 0, and named-checkzone's "OK".
void bothLoad(const std::string& zone, const std::string& file) {
  auto named = runCommand("named-checkzone " + zone + " " + file);
  INFO(named.output);
  CHECK(named.status == 0);
  CHECK(named.output.find("\nOK") != std::string::npos);
  auto ldns = runCommand("ldns-read-zone " + file + " >/dev/null");
  INFO(ldns.output);
  CHECK(ldns.status == 0);
}

}  // namespace

TEST_CASE("export: the demo zone as named-checkzone and ldns-read-zone load it, each steered name as answered to --client",
          "[e2e][export]") {
  if (!haveCheckers()) LODESTAR_SKIP("named-checkzone or ldns-read-zone is not installed (apt-get install bind9-utils ldnsutils)");
  DemoFixture demo;
  const std::string dir = demo.dir().path();
  // A client in Europe, then one in North America (the demo database's networks).
  REQUIRE(ctl(demo, "export gtm.example.test --client 198.51.100.7 > " + dir + "/eu.zone").status == 0);
  REQUIRE(ctl(demo, "export gtm.example.test --client 192.0.2.7 > " + dir + "/na.zone").status == 0);
  bothLoad("gtm.example.test", dir + "/eu.zone");
  bothLoad("gtm.example.test", dir + "/na.zone");
  const std::string eu = readFile(dir + "/eu.zone"), na = readFile(dir + "/na.zone");
  INFO(eu);
  INFO(na);
  CHECK(eu.find("www.gtm.example.test.\t30\tIN\tA\t127.0.2.1 ; steered: the answer for client 198.51.100.7") !=
        std::string::npos);
  CHECK(na.find("www.gtm.example.test.\t30\tIN\tA\t127.0.1.1 ; steered: the answer for client 192.0.2.7") !=
        std::string::npos);
  CHECK(na.find("127.0.2.1") == std::string::npos);
  // Static data, the delegation and its glue are there, the same for every client.
  for (const std::string* text : {&eu, &na}) {
    CHECK(text->find("static.gtm.example.test.\t300\tIN\tA\t192.0.2.10") != std::string::npos);
    CHECK(text->find("alias.gtm.example.test.\t300\tIN\tCNAME\tstatic.gtm.example.test.") != std::string::npos);
    CHECK(text->find("child.gtm.example.test.\t300\tIN\tNS\tns.child.gtm.example.test.") != std::string::npos);
    CHECK(text->find("ns.child.gtm.example.test.\t300\tIN\tA\t192.0.2.53") != std::string::npos);
  }
  CHECK(ctl(demo, "export nosuch.test").status != 0);
}

TEST_CASE("export: wildcards, static and steered, and a CNAME at a wildcard, as named-checkzone and ldns-read-zone load them",
          "[e2e][export][wildcard]") {
  if (!haveCheckers()) LODESTAR_SKIP("named-checkzone or ldns-read-zone is not installed (apt-get install bind9-utils ldnsutils)");
  TempDir dir;
  dir.write("zones/wild.test.yaml",
            "zone: wild.test\nsoa: {serial: 7, minimum: 60}\nnameservers: {ns1: 127.0.0.1}\n"
            "regions: {east: ~, west: ~}\npools:\n  web: {regions: {east: [192.0.2.11], west: [192.0.2.22]}}\n"
            "records:\n  \"*.cdn\": {A: 192.0.2.50, TXT: served by the wildcard}\n  real.cdn: {A: 192.0.2.51}\n"
            "  \"*.alias\": {CNAME: real.cdn}\n"
            "  \"*.edge\": {steer: {policy: failover, pool: web, order: [west, east], ttl: 20}}\n");
  const std::string config = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [" + dir.path() +
                                                            "/zones/]\nstate_dir: state\ncontrol_socket: state/ctl.sock\n");
  DaemonProcess daemon(config);
  const std::string file = dir.path() + "/wild.zone";
  auto exported = runCommand(std::string(LODESTARCTL_BINARY) + " -c " + config + " export wild.test --client 192.0.2.99 > " + file);
  INFO(exported.output);
  REQUIRE(exported.status == 0);
  bothLoad("wild.test", file);
  const std::string text = readFile(file);
  INFO(text);
  CHECK(text.find("*.cdn.wild.test.\t3600\tIN\tA\t192.0.2.50") != std::string::npos);
  CHECK(text.find("*.cdn.wild.test.\t3600\tIN\tTXT\t\"served by the wildcard\"") != std::string::npos);
  CHECK(text.find("*.alias.wild.test.\t3600\tIN\tCNAME\treal.cdn.wild.test.") != std::string::npos);
  CHECK(text.find("*.edge.wild.test.\t20\tIN\tA\t192.0.2.22 ; steered: the answer for client 192.0.2.99") !=
        std::string::npos);
}
