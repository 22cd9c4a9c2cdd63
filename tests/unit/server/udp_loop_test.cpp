// The UDP loop's coalescing rule: wait only when the wait gathers several queries.
#include <catch2/catch.hpp>

#include "dns/config/server_config.hpp"
#include "dns/server/udp_loop.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::server;
using std::chrono::microseconds;

TEST_CASE("coalescing waits only when the arrival rate fills a batch", "[udp]") {
  const microseconds max(100);
  // Idle or light load: answering at once costs little CPU, so never add latency.
  CHECK(coalesceDelay(0, max) == microseconds(0));
  CHECK(coalesceDelay(1'000, max) == microseconds(0));
  CHECK(coalesceDelay(19'000, max) == microseconds(0));  // 100 µs would gather fewer than 2
  // Moderate load: the longest wait allowed.
  CHECK(coalesceDelay(20'000, max) == max);
  // Heavy load: just long enough for about three queries.
  CHECK(coalesceDelay(50'000, max) == microseconds(60));
  CHECK(coalesceDelay(300'000, max) == microseconds(10));
  // Turned off.
  CHECK(coalesceDelay(300'000, microseconds(0)) == microseconds(0));
}

TEST_CASE("udp.coalesce_max_us is read and bounded", "[udp][config]") {
  lodestar::test::TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto c = lodestar::config::loadServerConfig(dir.write("l.yaml", "listen: [127.0.0.1:53]\nzones: []\nudp: {coalesce_max_us: 0}\n"), d);
  INFO(d.report());
  REQUIRE(c);
  CHECK(c->udpCoalesceMax == microseconds(0));
  lodestar::yaml::Diagnostics bad;
  CHECK_FALSE(lodestar::config::loadServerConfig(dir.write("b.yaml", "listen: [127.0.0.1:53]\nzones: []\nudp: {coalesce_max_us: 5000}\n"), bad));
  CHECK_THAT(bad.report(), Catch::Contains("b.yaml:3:"));
}
