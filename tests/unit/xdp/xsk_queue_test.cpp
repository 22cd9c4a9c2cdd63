// One AF_XDP socket's accounting on a real veth pair between two network namespaces, with a
// responder that echoes each payload (the frames, not DNS, are under test): a reply counts
// as answered only once the kernel has sent it, and a burst larger than the kernel's
// per-call transmit budget (32 frames in copy mode) leaves at once. Needs root; skipped
// otherwise.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dns/xdp/filter_program.hpp"
#include "dns/xdp/xsk_queue.hpp"
#include "tests/support/netns_pair.hpp"
#include "tests/support/skip.hpp"

using namespace lodestar;
using lodestar::test::NetnsPair;
using lodestar::test::NetnsSwitch;

namespace {

constexpr uint16_t kPort = 5300;

struct Echo final : xdp::Responder {
  size_t respond(const uint8_t* query, size_t size, const wire::Address&, uint16_t, uint8_t* out,
                 size_t room) noexcept override {
    if (size > room) return 0;
    std::memmove(out, query, size);
    return size;
  }
};

// UDP sockets in the client's namespace, each connected to the server's port.
std::vector<int> clientSockets(const NetnsPair& net, unsigned count) {
  NetnsSwitch in(net.clientNs);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(kPort);
  inet_pton(AF_INET, net.server4.c_str(), &to.sin_addr);
  std::vector<int> fds;
  for (unsigned i = 0; i < count; ++i) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    REQUIRE(connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0);
    fds.push_back(fd);
  }
  return fds;
}

void closeAll(const std::vector<int>& fds) {
  for (int fd : fds) close(fd);
}

// Replies that reach `fds` within `quiet` of each other (ICMP errors skipped).
unsigned received(const std::vector<int>& fds, std::chrono::milliseconds quiet) {
  std::vector<pollfd> polls;
  for (int fd : fds) polls.push_back({fd, POLLIN, 0});
  unsigned count = 0;
  uint8_t buffer[2048];
  while (poll(polls.data(), polls.size(), static_cast<int>(quiet.count())) > 0)
    for (auto& p : polls)
      if (p.revents & (POLLIN | POLLERR))
        while (true) {
          const ssize_t n = recv(p.fd, buffer, sizeof buffer, MSG_DONTWAIT);
          if (n > 0) ++count;
          else if (n < 0 && errno == ECONNREFUSED) continue;
          else break;
        }
  return count;
}

// The filter on the server's veth (native mode) and an AF_XDP socket on `queue`; made, used
// and destroyed inside the server's namespace.
struct Server {
  NetnsSwitch in;
  xdp::FilterProgram filter;
  std::unique_ptr<xdp::XskQueue> socket;

  Server(const NetnsPair& net, uint32_t queue) : in(net.serverNs) {
    std::string error;
    xdp::FilterSpec spec;
    spec.port = kPort;
    spec.ipv6 = xdp::Take::None;
    const bool loaded = filter.load(spec, {}, queue + 1, error);
    if (loaded) socket = xdp::XskQueue::open(net.serverIf, queue, filter, error);
    const bool attached = socket && filter.attach(if_nametoindex(net.serverIf.c_str()), xdp::AttachMode::Native, error);
    INFO(error);
    REQUIRE(attached);
  }

  // Waits until frames arrive, then a little longer so that the whole burst is in the ring.
  void awaitBurst() const {
    pollfd p{socket->fd(), POLLIN, 0};
    REQUIRE(poll(&p, 1, 2000) == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
};

// The client learns the server's MAC before the filter is on (a query waiting for ARP would
// arrive late or not at all).
void primeNeighbour(const NetnsPair& net) {
  auto fds = clientSockets(net, 1);
  send(fds[0], "x", 1, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  closeAll(fds);
}

bool skipped() {
  if (NetnsPair::possible()) return false;
  WARN("SKIPPED: not root (or no iproute2), the AF_XDP socket is not tested here");
  test::markSkipped();
  return true;
}

}  // namespace

TEST_CASE("xdp socket: a reply whose transmit never completes is not counted as answered", "[xdp]") {
  if (skipped()) return;
  // The server's veth has two receive queues and one transmit queue: in copy mode the kernel
  // sends a socket's frames on the transmit queue of its own number, and queue 1 has none, so
  // nothing queued there is ever sent. The client's two transmit queues feed both.
  NetnsPair net(NetnsPair::Queues{2, 1, 1, 2});
  primeNeighbour(net);
  Server server(net, 1);
  Echo echo;
  // Connections hash onto the client's two transmit queues: some of 64 land on queue 1.
  const auto fds = clientSockets(net, 64);
  for (int fd : fds) REQUIRE(send(fd, "query", 5, 0) == 5);
  server.awaitBurst();
  const unsigned got = server.socket->serve(echo, 128);
  CHECK(got > 0);
  for (int i = 0; i < 20 && server.socket->flush() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const auto& c = server.socket->counters();
  CHECK(c.received.load() == got);
  CHECK(c.queued.load() == got);
  CHECK(c.answered.load() == 0);  // the old count said `got`: put on the ring is not sent
  CHECK(server.socket->unsent() == got);
  CHECK(received(fds, std::chrono::milliseconds(200)) == 0);
  closeAll(fds);
}

TEST_CASE("xdp socket: a burst beyond the kernel's transmit budget leaves at once and is counted when sent",
          "[xdp]") {
  if (skipped()) return;
  NetnsPair net;
  primeNeighbour(net);
  Server server(net, 0);
  Echo echo;
  const auto fds = clientSockets(net, 1);
  constexpr unsigned kBurst = 100;
  for (unsigned i = 0; i < kBurst; ++i) REQUIRE(send(fds[0], "query", 5, 0) == 5);
  server.awaitBurst();
  REQUIRE(server.socket->serve(echo, 128) == kBurst);
  // No further query and no flush: every reply must already be on its way (one wake-up of
  // the kernel's transmit sends only 32).
  CHECK(received(fds, std::chrono::milliseconds(300)) == kBurst);
  server.socket->flush();
  const auto& c = server.socket->counters();
  CHECK(c.queued.load() == kBurst);
  CHECK(c.answered.load() == kBurst);
  CHECK(server.socket->unsent() == 0);
  closeAll(fds);
}
