// TCP limits: idle connections are closed; connections over the cap are refused.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {
int connectTo(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// True when the peer closed the connection within `ms`.
bool closedWithin(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, ms) != 1) return false;
  char c;
  return recv(fd, &c, 1, 0) == 0;
}

bool answers(int fd) {
  Bytes q = QueryBuilder().name("www.example.test.").bytes();
  Bytes framed = {0, static_cast<uint8_t>(q.size())};
  framed.insert(framed.end(), q.begin(), q.end());
  if (send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(framed.size())) return false;
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 1000) != 1) return false;
  uint8_t buf[512];
  return recv(fd, buf, sizeof buf, 0) > 2;
}
}  // namespace

TEST_CASE("an idle TCP connection is closed after the idle timeout", "[e2e][tcp]") {
  DaemonProcess d(dataPath("e2e/lodestar.yaml"));  // idle_timeout: 1s
  int fd = connectTo(d.port());
  REQUIRE(fd >= 0);
  REQUIRE(answers(fd));
  auto start = std::chrono::steady_clock::now();
  CHECK(closedWithin(fd, 3000));
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= std::chrono::milliseconds(900));
  close(fd);
}

TEST_CASE("connections beyond the cap are closed, served ones keep working", "[e2e][tcp]") {
  DaemonProcess d(dataPath("e2e/lodestar.yaml"));  // max_connections: 8 over 2 workers
  std::vector<int> fds;
  for (int i = 0; i < 24; ++i) fds.push_back(connectTo(d.port()));
  int served = 0;
  for (int fd : fds)
    if (fd >= 0 && answers(fd)) ++served;
  CHECK(served >= 1);
  CHECK(served <= 8);
  for (int fd : fds)
    if (fd >= 0) close(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // let the workers reap them
  int again = connectTo(d.port());
  CHECK(answers(again));
  close(again);
}
