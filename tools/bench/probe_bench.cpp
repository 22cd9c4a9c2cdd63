// Benchmark (not a test): one control thread probing N endpoints every second against
// local listeners. Reports how late probe starts were (p50/p99/max) and the control
// thread's CPU. Usage: probe_bench [tcp|http|floor] [endpoints] [seconds] [http-port] [netns prefix]
//   floor: the bare system calls of tcp probes, no scheduler: what the kernel alone costs
//   tcp: a listener thread in this process accepts on 0.0.0.0 (its CPU is not counted)
//   http: a lodestar-demo-backend must listen on 0.0.0.0:http-port
//   netns, prefix: the tcp listener runs in that network namespace and the endpoints are
//   PREFIX.x.y (tools/bench/probe_netns.sh sets it up), so the listeners' TCP stack works
//   on another CPU instead of inside the probing thread as it does on loopback.
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "health/state/health_cell.hpp"
#include "health/scheduler.hpp"

using namespace lodestar::health;
using lodestar::loop::EventLoop;

namespace {

double threadCpuSeconds(bool userOnly = false) {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  double user = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6;
  return userOnly ? user : user + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

int listener(uint16_t& port, const std::string& netns) {
  if (!netns.empty()) {
    // Like a listener on another machine: its own CPU (1; the prober runs on 0)...
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(1, &one);
    sched_setaffinity(0, sizeof one, &one);
    // ...and its own network namespace (this thread alone moves; the socket stays there).
    int ns = open(("/var/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) {
      std::perror(("cannot enter network namespace " + netns).c_str());
      std::exit(1);
    }
    close(ns);
  }
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

// The same system calls as a tcp probe (socket, connect, epoll, SO_ERROR, a reset close),
// `perSecond` a second with nothing else: the kernel's share that no prober can avoid.
int kernelFloor(int perSecond, int seconds, uint16_t port, const std::string& prefix) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  auto startOne = [&](int i) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    std::string address = prefix + "." + std::to_string(i / 250 % 40) + "." + std::to_string(i % 250 + 1);
    inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) return void(close(fd));
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  };
  auto clock = [] { return std::chrono::steady_clock::now(); };
  const auto begin = clock();
  const double cpuBefore = threadCpuSeconds(), userBefore = threadCpuSeconds(true);
  long started = 0, completed = 0;
  std::array<epoll_event, 256> events;
  while (clock() - begin < std::chrono::seconds(seconds)) {
    const double elapsed = std::chrono::duration<double>(clock() - begin).count();
    while (started < static_cast<long>(elapsed * perSecond)) startOne(static_cast<int>(started++));
    int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd, err = 0;
      socklen_t l = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
      linger lg{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      close(fd);
      completed += err == 0;
    }
  }
  const double cpu = threadCpuSeconds() - cpuBefore, user = threadCpuSeconds(true) - userBefore;
  close(ep);
  std::printf("kernel floor: %ld connects (%ld completed) in %d s, %.0f per second\n", started, completed, seconds,
              double(started) / seconds);
  std::printf("thread CPU          %.1f%% of one core (user %.1f%%, kernel %.1f%%)\n", 100.0 * cpu / seconds,
              100.0 * user / seconds, 100.0 * (cpu - user) / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string kind = argc > 1 ? argv[1] : "tcp";
  int endpoints = argc > 2 ? std::atoi(argv[2]) : 10000;
  int seconds = argc > 3 ? std::atoi(argv[3]) : 10;
  uint16_t port = argc > 4 ? static_cast<uint16_t>(std::atoi(argv[4])) : 0;
  std::string netns = argc > 5 ? argv[5] : "";
  std::string prefix = argc > 6 ? argv[6] : "127.1";

  int lfd = -1;
  std::thread acceptor;
  if (kind == "tcp" || kind == "floor") {
    // The listener is made on the acceptor's thread, which may enter the namespace.
    std::promise<int> ready;
    acceptor = std::thread([&ready, &port, netns] {
      int fd = listener(port, netns);
      ready.set_value(fd);
      for (int c; (c = accept(fd, nullptr, nullptr)) >= 0;) close(c);
    });
    lfd = ready.get_future().get();
  }
  if (kind == "floor") {
    int status = kernelFloor(endpoints, seconds, port, prefix);
    shutdown(lfd, SHUT_RDWR);
    close(lfd);
    acceptor.join();
    return status;
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
    std::string address = prefix + "." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    targets.push_back({check, address, std::make_shared<HealthCell>(), "bench"});
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
