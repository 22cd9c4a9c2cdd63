// SystemdNotify on its own: what it reads from the environment, that it takes the variables
// out (a probe or hook the daemon runs must not speak for it), whose watchdog it is, and that
// a message reaches the socket, abstract or not.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "dns/server/systemd_notify.hpp"
#include "tests/support/temp_dir.hpp"

using lodestar::server::SystemdNotify;

namespace {

int boundSocket(const std::string& name, bool abstract) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path + (abstract ? 1 : 0), name.data(), name.size());
  const socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + name.size() + 1);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0);
  return fd;
}

std::string received(int fd) {
  char buf[512];
  for (int i = 0; i < 100; ++i) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) return std::string(buf, size_t(n));
    usleep(10'000);
  }
  return "";
}

}  // namespace

TEST_CASE("sd_notify: the variables are read then taken out of the environment and a message arrives") {
  lodestar::test::TempDir dir;
  const std::string path = dir.path() + "/notify";
  const int fd = boundSocket(path, false);
  setenv("NOTIFY_SOCKET", path.c_str(), 1);
  setenv("WATCHDOG_USEC", "3000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  SystemdNotify n = SystemdNotify::fromEnvironment();
  CHECK(std::getenv("NOTIFY_SOCKET") == nullptr);
  CHECK(std::getenv("WATCHDOG_USEC") == nullptr);
  CHECK(std::getenv("WATCHDOG_PID") == nullptr);
  REQUIRE(n.enabled());
  CHECK(n.watchdog() == std::chrono::seconds(3));
  CHECK(n.send("READY=1\nSTATUS=serving"));
  CHECK(received(fd) == "READY=1\nSTATUS=serving");
  CHECK(n.reloading());
  const std::string r = received(fd);
  CHECK(r.rfind("RELOADING=1\nMONOTONIC_USEC=", 0) == 0);
  close(fd);
}

TEST_CASE("sd_notify: an abstract socket is reached and another process's watchdog is not ours") {
  const std::string name = "lodestar-test-" + std::to_string(getpid());
  const int fd = boundSocket(name, true);
  setenv("NOTIFY_SOCKET", ("@" + name).c_str(), 1);
  setenv("WATCHDOG_USEC", "3000000", 1);
  setenv("WATCHDOG_PID", "1", 1);  // systemd's watchdog is for another process
  SystemdNotify n = SystemdNotify::fromEnvironment();
  CHECK(n.watchdog().count() == 0);
  CHECK(n.send("WATCHDOG=1"));
  CHECK(received(fd) == "WATCHDOG=1");
  close(fd);
}

TEST_CASE("sd_notify: without NOTIFY_SOCKET or with a relative one nothing is sent and no ping is due") {
  unsetenv("NOTIFY_SOCKET");
  setenv("WATCHDOG_USEC", "3000000", 1);
  SystemdNotify none = SystemdNotify::fromEnvironment();
  CHECK_FALSE(none.enabled());
  CHECK_FALSE(none.send("READY=1"));
  CHECK(none.watchdog().count() == 0);
  setenv("NOTIFY_SOCKET", "relative/path", 1);
  SystemdNotify relative = SystemdNotify::fromEnvironment();
  CHECK_FALSE(relative.enabled());
}
