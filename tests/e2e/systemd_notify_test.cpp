// systemd's notifications (issue 26), received on a NOTIFY_SOCKET this test makes: READY=1
// once the daemon serves, RELOADING=1 (with MONOTONIC_USEC) then READY=1 around a SIGHUP's
// reload, STOPPING=1 on SIGTERM, and WATCHDOG=1 at half of WATCHDOG_USEC from the control
// loop, which stop while that loop is stalled (the test daemon's hook) although the workers
// still answer.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/daemon_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace lodestar::test;

namespace {

// The socket systemd would hold: every datagram the daemon sends, as text.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  }
  ~NotifySocket() { close(fd_); }
  // The messages that come within `ms` (after those a waitFor() read but did not return).
  std::vector<std::string> read(int ms) {
    std::vector<std::string> got = std::move(unread_);
    unread_.clear();
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, int(left.count())) <= 0) return got;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n > 0) got.emplace_back(buf, size_t(n));
    }
  }
  // Reads until a message starts with `prefix` (within `ms`); that message, or "".
  std::string waitFor(const std::string& prefix, int ms, std::vector<std::string>* before = nullptr) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      std::vector<std::string> got = read(50);
      for (size_t i = 0; i < got.size(); ++i) {
        if (got[i].rfind(prefix, 0) == 0) {
          // What came after it in the same read (READY=1 just after RELOADING=1) is kept.
          unread_.assign(got.begin() + static_cast<long>(i) + 1, got.end());
          return got[i];
        }
        if (before) before->push_back(got[i]);
      }
    }
    return "";
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::vector<std::string> unread_;
};

size_t pings(const std::vector<std::string>& messages) {
  size_t n = 0;
  for (const auto& m : messages) n += m == "WATCHDOG=1";
  return n;
}

}  // namespace

TEST_CASE("systemd: READY then RELOADING and READY on SIGHUP then STOPPING and watchdog pings that stop with the control loop",
          "[e2e][systemd]") {
  TempDir dir;
  NotifySocket sd(dir.path() + "/notify");
  const std::string stall = dir.path() + "/stall";
  setenv("NOTIFY_SOCKET", (dir.path() + "/notify").c_str(), 1);
  setenv("WATCHDOG_USEC", "200000", 1);  // a ping every 100 ms
  setenv("LODESTAR_TEST_STALL_FILE", stall.c_str(), 1);
  DaemonProcess d(dataPath("e2e/lodestar.yaml"), {}, LODESTAR_TEST_DAEMON_BINARY);
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  unsetenv("LODESTAR_TEST_STALL_FILE");

  const std::string ready = sd.waitFor("READY=1", 5000);
  REQUIRE_FALSE(ready.empty());
  CHECK(ready.find("\nSTATUS=serving ") != std::string::npos);

  // Pings at half the interval: ~10 a second (a loaded machine may lose a few).
  const size_t running = pings(sd.read(1000));
  CHECK(running >= 5);
  CHECK(running <= 12);

  // The control loop stalls: no ping, while the workers still answer.
  { std::ofstream(stall) << "stall\n"; }
  sd.read(300);  // a ping sent just before the stall
  const auto stalled = sd.read(1000);
  CHECK(pings(stalled) == 0);
  CHECK(d.ask(QueryBuilder().name("www.example.test.")).rcode == 0);
  std::remove(stall.c_str());
  CHECK(pings(sd.read(1000)) >= 5);

  // SIGHUP: RELOADING=1 with the monotonic clock, then READY=1 once the reload is done.
  REQUIRE(kill(d.pid(), SIGHUP) == 0);
  const std::string reloading = sd.waitFor("RELOADING=1", 3000);
  REQUIRE_FALSE(reloading.empty());
  CHECK(reloading.find("\nMONOTONIC_USEC=") != std::string::npos);
  const std::string readyAgain = sd.waitFor("READY=1", 5000);
  CHECK_FALSE(readyAgain.empty());
  CHECK(readyAgain.find("1 reload(s) applied") != std::string::npos);

  // SIGTERM: STOPPING=1.
  REQUIRE(d.stop() == 0);
  CHECK_FALSE(sd.waitFor("STOPPING=1", 2000).empty());
}
