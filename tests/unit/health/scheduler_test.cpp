// The scheduler against real (slow) exec probes: the in-flight cap queues the burst of
// first probes instead of starting them all at once.
#include <catch2/catch.hpp>

#include "health/scheduler.hpp"
#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::health;
using lodestar::loop::EventLoop;
using lodestar::test::TempDir;

TEST_CASE("at most N probes run at once, the rest wait their turn and all succeed", "[health][scheduler]") {
  TempDir dir;
  auto script = dir.write("slow.sh", "#!/bin/sh\nsleep 0.3\n");
  lodestar::test::runCommand("chmod +x " + script);
  auto check = std::make_shared<CheckSpec>();
  check->name = "slow";
  check->kind = ProbeKind::Exec;
  check->command = {script};
  check->interval = std::chrono::milliseconds(60000);
  check->timeout = std::chrono::milliseconds(2000);

  EventLoop loop;
  Prober prober(loop);
  int changes = 0;
  Scheduler scheduler(loop, prober, [&](const StateChange&) { ++changes; });
  scheduler.setMaxInFlight(5);
  std::vector<ProbeTarget> targets;
  for (int i = 0; i < 20; ++i)
    targets.push_back({check, "192.0.2." + std::to_string(i + 1), std::make_shared<HealthCell>(), "test"});
  scheduler.setTargets(targets);

  auto start = EventLoop::Clock::now();
  while (EventLoop::Clock::now() - start < std::chrono::milliseconds(150)) loop.runOnce(std::chrono::milliseconds(10));
  CHECK(scheduler.probesStarted() == 5);  // the first five; fifteen queued
  while (scheduler.probesStarted() < 20 && EventLoop::Clock::now() - start < std::chrono::seconds(5))
    loop.runOnce(std::chrono::milliseconds(10));
  CHECK(scheduler.probesStarted() == 20);
  // Let the last ones finish: every probe succeeded, nothing changed state.
  while (EventLoop::Clock::now() - start < std::chrono::milliseconds(2000)) loop.runOnce(std::chrono::milliseconds(10));
  CHECK(changes == 0);
  for (const auto& s : scheduler.status()) CHECK(s.lastReason == "exit 0");
}
