// Benchmark (not a test): one control thread probing N endpoints every second against
// local listeners. Reports how late probe starts were (p50/p99/max) and the control
// thread's CPU. Usage: probe_bench [tcp|http] [endpoints] [seconds] [http-port]
//   tcp: a listener thread in this process accepts on 0.0.0.0 (its CPU is not counted)
//   http: a lodestar-demo-backend must listen on 0.0.0.0:http-port
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "health/endpoint_state.hpp"
#include "health/scheduler.hpp"

using namespace lodestar::health;

namespace {

double threadCpuSeconds(bool userOnly = false) {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  double user = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6;
  return userOnly ? user : user + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

int listener(uint16_t& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(fd, 4096);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  std::string kind = argc > 1 ? argv[1] : "tcp";
  int endpoints = argc > 2 ? std::atoi(argv[2]) : 10000;
  int seconds = argc > 3 ? std::atoi(argv[3]) : 10;
  uint16_t port = argc > 4 ? static_cast<uint16_t>(std::atoi(argv[4])) : 0;

  int lfd = -1;
  std::thread acceptor;
  if (kind == "tcp") {
    lfd = listener(port);
    acceptor = std::thread([lfd] {
      for (int c; (c = accept(lfd, nullptr, nullptr)) >= 0;) close(c);
    });
  }
  auto check = std::make_shared<CheckSpec>();
  check->name = "bench";
  check->kind = kind == "http" ? ProbeKind::Http : ProbeKind::Tcp;
  check->port = port;
  check->path = "/healthz";
  check->interval = std::chrono::milliseconds(1000);
  check->timeout = std::chrono::milliseconds(500);

  EventLoop loop;
  Prober prober(loop);
  uint64_t changes = 0;
  std::map<std::string, uint64_t> reasons;
  Scheduler scheduler(loop, prober, [&](const StateChange& c) {
    ++changes;
    if (!c.result.success) ++reasons[c.result.reason];
  });
  std::vector<ProbeTarget> targets;
  for (int i = 0; i < endpoints; ++i) {
    std::string address = "127.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    targets.push_back({check, address, std::make_shared<EndpointState>(), "bench"});
  }
  scheduler.setTargets(targets);

  // Warm up (the first round starts every probe at once), then measure.
  auto runFor = [&](double s) {
    auto end = EventLoop::Clock::now() + std::chrono::duration<double>(s);
    while (EventLoop::Clock::now() < end) loop.runOnce(std::chrono::milliseconds(50));
  };
  runFor(3);
  scheduler.recordLateness(true);
  uint64_t startedBefore = scheduler.probesStarted();
  double cpuBefore = threadCpuSeconds(), userBefore = threadCpuSeconds(true);
  runFor(seconds);
  double cpu = threadCpuSeconds() - cpuBefore, user = threadCpuSeconds(true) - userBefore;
  auto late = scheduler.takeLateness();
  std::sort(late.begin(), late.end());
  auto pct = [&](double p) { return late.empty() ? 0.0 : late[std::min(late.size() - 1, size_t(p * late.size()))] / 1000.0; };
  uint64_t probes = scheduler.probesStarted() - startedBefore;
  std::printf("kind %s, %d endpoints, interval 1 s, %d s measured\n", kind.c_str(), endpoints, seconds);
  std::printf("probes started      %llu (%.0f per second)\n", static_cast<unsigned long long>(probes), probes / double(seconds));
  std::printf("start lateness      p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", pct(0.5), pct(0.99),
              late.empty() ? 0.0 : late.back() / 1000.0);
  std::printf("control thread CPU  %.1f%% of one core (user %.1f%%, kernel %.1f%%)\n", 100.0 * cpu / seconds,
              100.0 * user / seconds, 100.0 * (cpu - user) / seconds);
  std::printf("state changes       %llu (should be 0: every endpoint stays up)\n", static_cast<unsigned long long>(changes));
  for (const auto& [reason, n] : reasons) std::printf("  failures: %llu x %s\n", static_cast<unsigned long long>(n), reason.c_str());
  if (lfd >= 0) {
    shutdown(lfd, SHUT_RDWR);
    close(lfd);
    acceptor.join();
  }
  return 0;
}
