// The log (issue 30): `log: {format: json}` writes one JSON object per line, `level` leaves
// out what is below it, and a stderr nobody reads stalls nothing: the control socket still
// answers and the dropped lines are counted and told once stderr moves again.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/zone_texts.hpp"

using namespace lodestar::test;

namespace {

// The daemon with its stderr on a pipe this test reads only when it chooses to.
struct PipedDaemon {
  pid_t pid = -1;
  int err = -1;
  PipedDaemon(const std::string& config) {
    int p[2];
    REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    pid = fork();
    if (pid == 0) {
      dup2(p[1], 2);
      execl(LODESTAR_BINARY_FOR_TESTS, "lodestar", "-c", config.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(p[1]);
    err = p[0];
  }
  ~PipedDaemon() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (err >= 0) close(err);
  }
  // Everything in the pipe within `ms` (or until it ends).
  std::string read(int ms) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      pollfd q{err, POLLIN, 0};
      if (left.count() <= 0 || poll(&q, 1, int(left.count())) <= 0) break;
      char buf[65536];
      const ssize_t n = ::read(err, buf, sizeof buf);
      if (n <= 0) break;
      out.append(buf, size_t(n));
    }
    return out;
  }
  int stop() {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return status;
  }
};

std::string site(TempDir& dir, const std::string& more) {
  // Checks on a port nobody serves: each endpoint's health changes say so in warnings.
  std::string zone = demoZoneText({.records = "  www:\n    steer: {policy: failover, pool: web, order: [us-east, eu-west]}\n"});
  zone.replace(zone.find("CHECK_PORT"), 10, std::to_string(freePort()));
  dir.write("zones/other.yaml", zone);
  return dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\ncontrol_socket: ctl.sock\n" + more);
}

}  // namespace

TEST_CASE("log: json writes one object per line, and level leaves out what is below it", "[e2e][log]") {
  TempDir dir;
  PipedDaemon d(site(dir, "log: {format: json, level: warning}\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the checks fail: warnings
  const int status = d.stop();
  const std::string log = d.read(2000);
  INFO(log);
  REQUIRE(status == 0);
  std::istringstream lines(log);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    INFO(line);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    REQUIRE(j.is_object());
    CHECK(j.contains("time"));
    CHECK(j.contains("message"));
    CHECK(j.value("level", "") != "info");
  }
  CHECK(count >= 2);  // the endpoints' health changes, at least
}

TEST_CASE("log: a stderr nobody reads stalls neither the control loop nor the answers, and the lost lines are told",
          "[e2e][log]") {
  TempDir dir;
  const uint16_t http = freePort();
  PipedDaemon d(site(dir, "http: {listen: [127.0.0.1:" + std::to_string(http) + "]}\n"));
  // Until the control socket answers (the ready line waits in the pipe).
  const std::string ping = std::string(LODESTARCTL_BINARY) + " -s " + dir.path() + "/ctl.sock ping";
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    up = runCommand(ping).status == 0;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(up);
  // More lines than the pipe (64 KiB) and the daemon's queue (4096 lines) hold: every SIGHUP
  // says it reloads, and nobody reads. Bounded: at most 40,000 signals or 30 s.
  auto dropped = [&] { return metricValue(httpGet(http, "/metrics").body, "lodestar_log_lines_dropped_total"); };
  const auto floodEnd = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 1; i <= 40000 && std::chrono::steady_clock::now() < floodEnd; ++i) {
    kill(d.pid, SIGHUP);
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    if (i % 1000 == 0 && dropped() > 0) break;
  }
  const auto start = std::chrono::steady_clock::now();
  const CommandResult r = runCommand(ping);
  const auto took = std::chrono::steady_clock::now() - start;
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(took < std::chrono::seconds(3));
  const HttpReply metrics = httpGet(http, "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metricValue(metrics.body, "lodestar_log_lines_dropped_total") > 0);
  // Read at last: the lines that fitted, then one saying how many were lost.
  CHECK(d.read(3000).find("line(s) dropped: stderr did not keep up") != std::string::npos);
}
