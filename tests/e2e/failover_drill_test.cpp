// The failover drill: the demo with real HTTP backends; eu-west's backends stop (closed
// ports) or hang (accept, never answer); EU clients (ECS 198.51.100.0/24) must stop getting
// eu-west within 1.5 s (closed) or 2.5 s (hanging), far under the 30 s TTL, and get it back
// once the backends return. Every time is printed.
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <thread>

#include "tests/support/demo_fixture.hpp"

using namespace lodestar::test;
using Clock = std::chrono::steady_clock;

namespace {

bool answersEuWest(DaemonProcess& d) {
  auto bytes = d.udp(QueryBuilder().name("www.gtm.example.test.").ecs("198.51.100.0/24").bytes(), false,
                     std::chrono::milliseconds(500));
  if (!bytes) return false;
  auto a = parseAnswer(*bytes);
  if (!a || a->answer.empty()) return false;
  for (const auto& rr : a->answer)
    if (rr.find("127.0.2.") == std::string::npos) return false;
  return true;
}

// Seconds until answersEuWest(d) == want, polling every 10 ms; -1 after `limit`.
double until(DaemonProcess& d, bool want, double limit) {
  auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < limit) {
    if (answersEuWest(d) == want) return std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

TEST_CASE("failover drill: eu-west leaves the answers within one interval + rechecks + timeout",
          "[e2e][drill]") {
  DemoFixture demo;
  auto& d = demo.daemon();
  REQUIRE(until(d, true, 5) >= 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // first probes done
  std::mt19937 rng(std::random_device{}());
  std::vector<double> closed, hanging, back;
  for (int round = 0; round < 3; ++round) {
    // A random phase against the probe schedule, so the rounds cover it.
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 1000));
    demo.stopRegion("eu-west");
    double w = until(d, false, 10);
    closed.push_back(w);
    demo.startRegion("eu-west");
    back.push_back(until(d, true, 10));

    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 1000));
    demo.startRegion("eu-west", /*hang=*/true);
    hanging.push_back(until(d, false, 10));
    demo.startRegion("eu-west");
    back.push_back(until(d, true, 10));
  }
  for (double t : closed) std::printf("drill: closed ports withdrawn after %.3f s (bound 1.5 s, TTL 30 s)\n", t);
  for (double t : hanging) std::printf("drill: hanging backends withdrawn after %.3f s (bound 2.5 s, TTL 30 s)\n", t);
  for (double t : back) std::printf("drill: eu-west back in the answers after %.3f s\n", t);
  std::fflush(stdout);
  INFO(d.log());
  for (double t : closed) {
    CHECK(t >= 0);
    CHECK(t <= 1.5);
  }
  for (double t : hanging) {
    CHECK(t >= 0);
    CHECK(t <= 2.5);
  }
  for (double t : back) {
    CHECK(t >= 0);
    CHECK(t <= 3.0);
  }
}
