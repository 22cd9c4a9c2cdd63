// The main configuration file.
#include <catch2/catch.hpp>

#include "dns/config/server_config.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::config;
using lodestar::test::TempDir;

TEST_CASE("listen addresses parse with and without ports", "[config]") {
  auto a = parseListenAddress("127.0.0.1:5353");
  REQUIRE(a);
  CHECK(a->port == 5353);
  auto b = parseListenAddress("[::1]:53");
  REQUIRE(b);
  CHECK(b->address.family == lodestar::wire::Family::IPv6);
  auto c = parseListenAddress("::1");
  REQUIRE(c);
  CHECK(c->port == 53);
  CHECK_FALSE(parseListenAddress("127.0.0.1:99999"));
  CHECK_FALSE(parseListenAddress("localhost:53"));
  CHECK_FALSE(parseListenAddress("[::1"));
}

TEST_CASE("the main config resolves relative paths and rejects unknown keys", "[config]") {
  TempDir dir;
  lodestar::zones::Diagnostics d;
  auto c = loadServerConfig(dir.write("l.yaml", "listen: [127.0.0.1:53]\nworkers: 3\nzones: [zones/]\n"
                                                "state_dir: st\ntcp: {idle_timeout: 500ms}\n"),
                            d);
  INFO(d.report());
  REQUIRE(c);
  CHECK(c->workers == 3);
  CHECK(c->zonePaths == std::vector<std::string>{dir.path() + "/zones/"});
  CHECK(c->stateDir == dir.path() + "/st");
  CHECK(c->tcpIdleTimeout == std::chrono::milliseconds(500));

  lodestar::zones::Diagnostics bad;
  CHECK_FALSE(loadServerConfig(dir.write("b.yaml", "listen: [127.0.0.1:53]\nzones: []\nworkres: 2\n"), bad));
  CHECK_THAT(bad.report(), Catch::Contains("b.yaml:3:1: workres: unknown key"));
}
