// TcpConnections' limits without a daemon: the connection cap, the idle timeout (time passed
// in, no sleeps), pipelined and split messages, and a client that half-closes.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "dns/server/tcp_connections.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/test_view.hpp"

using namespace lodestar;
using server::TcpConnections;
using Clock = TcpConnections::Clock;

namespace {

// A non-blocking listener on 127.0.0.1, port chosen by the kernel, and an epoll set.
struct Rig {
  int listener = -1, epoll = -1;
  sockaddr_in address{};
  Rig() {
    listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof address;
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), len) == 0);
    REQUIRE(listen(listener, 16) == 0);
    REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &len) == 0);
    epoll = epoll_create1(EPOLL_CLOEXEC);
  }
  ~Rig() {
    ::close(listener);
    ::close(epoll);
    for (int fd : clients) ::close(fd);
  }
  // A connected client (the kernel completes the handshake before accept).
  int connectClient() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    clients.push_back(fd);
    return fd;
  }
  // Delivers every pending event to the connections.
  void pump(TcpConnections& tcp, Clock::time_point now, int waitMs = 200) {
    epoll_event events[16];
    int n = epoll_wait(epoll, events, 16, waitMs);
    for (int i = 0; i < n; ++i)
      tcp.onEvent(static_cast<server::EpollTag*>(events[i].data.ptr), events[i].events, test::e2eView(), pipeline, random, now);
  }
  std::vector<int> clients;
  engine::QueryStats stats;
  engine::Pipeline pipeline{stats};
  engine::FastRandom random{1};
};

// True when the server closed the client's connection (EOF).
bool closedByServer(int fd) {
  char c;
  return recv(fd, &c, 1, 0) == 0;
}

test::Bytes framed(const test::Bytes& message) {
  // Sized up front: GCC 12 reports a false overflow for an insert here (bug 105329).
  test::Bytes out(2 + message.size());
  out[0] = static_cast<uint8_t>(message.size() >> 8);
  out[1] = static_cast<uint8_t>(message.size());
  std::copy(message.begin(), message.end(), out.begin() + 2);
  return out;
}

// Reads one length-prefixed message.
test::Bytes readMessage(int fd) {
  uint8_t len[2];
  REQUIRE(recv(fd, len, 2, MSG_WAITALL) == 2);
  test::Bytes m(size_t(len[0]) << 8 | len[1]);
  REQUIRE(recv(fd, m.data(), m.size(), MSG_WAITALL) == static_cast<ssize_t>(m.size()));
  return m;
}

}  // namespace

TEST_CASE("tcp connections: over the cap a new connection is closed and counted", "[server][tcp]") {
  Rig rig;
  TcpConnections tcp(rig.epoll, 2, std::chrono::seconds(10));
  const auto t0 = Clock::now();
  rig.connectClient();
  rig.connectClient();
  int third = rig.connectClient();
  tcp.acceptAll(rig.listener, t0);
  CHECK(tcp.open() == 2);
  CHECK(tcp.refused() == 1);
  CHECK(closedByServer(third));

  // A client that leaves frees its place for the next one.
  ::shutdown(rig.clients[0], SHUT_WR);
  rig.pump(tcp, t0);
  tcp.sweep(t0);
  CHECK(tcp.open() == 1);
  rig.connectClient();
  tcp.acceptAll(rig.listener, t0);
  CHECK(tcp.open() == 2);
  CHECK(tcp.refused() == 1);
}

TEST_CASE("tcp connections: idle ones are closed after the timeout, active ones stay", "[server][tcp]") {
  Rig rig;
  const auto idle = std::chrono::milliseconds(1000);
  TcpConnections tcp(rig.epoll, 8, idle);
  const auto t0 = Clock::now();
  int quiet = rig.connectClient();
  int busy = rig.connectClient();
  tcp.acceptAll(rig.listener, t0);
  REQUIRE(tcp.open() == 2);

  tcp.sweep(t0 + idle / 2);
  CHECK(tcp.open() == 2);
  // The busy client asks something half-way; its idle time starts again.
  test::Bytes q = framed(test::QueryBuilder().name("www.example.test.").bytes());
  REQUIRE(send(busy, q.data(), q.size(), 0) == static_cast<ssize_t>(q.size()));
  rig.pump(tcp, t0 + idle / 2);
  CHECK(readMessage(busy).size() > 12);

  tcp.sweep(t0 + idle + std::chrono::milliseconds(1));
  CHECK(tcp.open() == 1);
  CHECK(closedByServer(quiet));
  tcp.sweep(t0 + idle / 2 + idle + std::chrono::milliseconds(300));
  CHECK(tcp.open() == 0);
  CHECK(closedByServer(busy));
}

TEST_CASE("tcp connections: pipelined queries are answered in order, a half-close ends the connection", "[server][tcp]") {
  Rig rig;
  TcpConnections tcp(rig.epoll, 8, std::chrono::seconds(10));
  const auto t0 = Clock::now();
  int fd = rig.connectClient();
  tcp.acceptAll(rig.listener, t0);

  test::Bytes both;
  for (uint16_t id : {1, 2, 3}) {
    test::QueryBuilder q;
    q.id = id;
    test::Bytes f = framed(q.name(id == 2 ? "missing.example.test." : "www.example.test.").bytes());
    both.insert(both.end(), f.begin(), f.end());
  }
  REQUIRE(send(fd, both.data(), both.size(), 0) == static_cast<ssize_t>(both.size()));
  rig.pump(tcp, t0);
  for (uint16_t id : {1, 2, 3}) {
    auto a = test::parseAnswer(readMessage(fd));
    REQUIRE(a);
    CHECK(a->id == id);
    CHECK(a->rcode == (id == 2 ? 3 : 0));
  }
  CHECK(rig.stats.received.value() == 3);

  SECTION("a message split across reads waits for its rest") {
    test::Bytes f = framed(test::QueryBuilder().name("www.example.test.").bytes());
    REQUIRE(send(fd, f.data(), 5, 0) == 5);
    rig.pump(tcp, t0);
    CHECK(rig.stats.received.value() == 3);
    REQUIRE(send(fd, f.data() + 5, f.size() - 5, 0) == static_cast<ssize_t>(f.size() - 5));
    rig.pump(tcp, t0);
    CHECK(readMessage(fd).size() > 12);
    CHECK(tcp.open() == 1);
  }
  SECTION("a client that half-closes gets its answer, then the connection ends") {
    test::Bytes f = framed(test::QueryBuilder().name("www.example.test.").bytes());
    REQUIRE(send(fd, f.data(), f.size(), 0) == static_cast<ssize_t>(f.size()));
    ::shutdown(fd, SHUT_WR);
    rig.pump(tcp, t0);
    CHECK(readMessage(fd).size() > 12);
    CHECK(closedByServer(fd));
    tcp.sweep(t0);
    CHECK(tcp.open() == 0);
  }
}
