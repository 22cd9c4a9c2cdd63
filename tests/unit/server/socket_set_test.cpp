// Listening sockets: with port 0, UDP and TCP must end on one port even when the kernel's
// first UDP choice is taken in TCP (a bug seen in CI: "cannot bind TCP 127.0.0.1:0").
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/server/socket_set.hpp"

using namespace lodestar::server;

TEST_CASE("port 0 finds a port free in both UDP and TCP, many times over", "[server][sockets]") {
  // Occupy a good share of the ephemeral range in TCP only.
  std::vector<int> busy;
  for (int i = 0; i < 3000; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 1) != 0) {
      close(fd);
      break;
    }
    busy.push_back(fd);
  }
  auto listen = lodestar::config::parseListenAddress("127.0.0.1:0");
  REQUIRE(listen);
  for (int round = 0; round < 100; ++round) {
    std::vector<BoundAddress> bound;
    std::vector<WorkerSockets> sockets;
    REQUIRE_NOTHROW(sockets = openSockets({*listen}, 2, bound));
    REQUIRE(sockets.size() == 2);
    CHECK(sockets[0].udp.size() == 1);
    CHECK(sockets[1].tcp.size() == 1);
    closeSockets(sockets);
  }
  for (int fd : busy) close(fd);
}
