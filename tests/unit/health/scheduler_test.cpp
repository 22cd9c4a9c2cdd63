// The scheduler against real probes: the in-flight cap queues the burst of first probes
// instead of starting them all at once; a probe that fails for a local reason (no
// descriptor) changes nothing.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "health/scheduler.hpp"
#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/skip.hpp"

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

TEST_CASE("a probe that fails for want of descriptors leaves the endpoint as it was", "[health][scheduler]") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // UBSan's type checks open a pipe to test memory; with no descriptor free they report
  // false "invalid vptr" errors (seen in CI); TSan is not what this test is about. It runs
  // in the plain build.
  LODESTAR_SKIP("the sanitizers' runtime needs free descriptors, which this test takes away");
#endif
  // A listener the tcp probes connect to (the kernel completes the handshake).
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&a), len) == 0);
  REQUIRE(listen(listener, 64) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0);

  auto tcp = std::make_shared<CheckSpec>();
  tcp->name = "tcp";
  tcp->kind = ProbeKind::Tcp;
  tcp->port = ntohs(a.sin_port);
  auto http = std::make_shared<CheckSpec>(*tcp);
  http->name = "http";
  http->kind = ProbeKind::Http;
  http->path = "/";
  for (auto* c : {tcp.get(), http.get()}) {
    c->rise = c->fall = 1;  // one failure would be enough to mark it down
    c->interval = std::chrono::milliseconds(100);
    c->recheck = std::chrono::milliseconds(50);
    c->timeout = std::chrono::milliseconds(300);
  }

  EventLoop loop;
  Prober prober(loop);
  int changes = 0;
  std::vector<std::string> local;
  Scheduler scheduler(loop, prober, [&](const StateChange&) { ++changes; });
  scheduler.setOnLocalFailure([&](const std::string&, const std::string& check, const std::string&) { local.push_back(check); });
  auto tcpCell = std::make_shared<HealthCell>();
  auto httpCell = std::make_shared<HealthCell>();
  tcpCell->observed.store(Observed::Up);
  httpCell->observed.store(Observed::Up);
  scheduler.setTargets({{tcp, "127.0.0.1", tcpCell, "test"}, {http, "127.0.0.1", httpCell, "test"}});
  loop.runOnce(std::chrono::milliseconds(10));

  // Every descriptor number from 3 up is over the limit now: socket() fails with EMFILE.
  rlimit old{};
  getrlimit(RLIMIT_NOFILE, &old);
  rlimit starved = old;
  starved.rlim_cur = 3;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &starved) == 0);
  auto start = EventLoop::Clock::now();
  while (EventLoop::Clock::now() - start < std::chrono::milliseconds(600)) loop.runOnce(std::chrono::milliseconds(10));
  setrlimit(RLIMIT_NOFILE, &old);

  CHECK(changes == 0);
  CHECK(tcpCell->observed.load() == Observed::Up);
  CHECK(httpCell->observed.load() == Observed::Up);
  CHECK(scheduler.localFailures() >= 4);
  CHECK(std::count(local.begin(), local.end(), "tcp") >= 2);
  CHECK(std::count(local.begin(), local.end(), "http") >= 2);
  for (const auto& s : scheduler.status()) {
    CHECK(s.localFailures >= 2);
    CHECK(s.failures == 0);
    CHECK_THAT(s.lastReason, Catch::Contains("local failure"));
  }
  close(listener);
}
