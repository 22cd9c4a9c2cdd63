// Hostile input: 100,000 random and mutated packets, then the daemon must still answer.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

TEST_CASE("100,000 random and mutated packets never crash or hang the daemon", "[e2e][robustness]") {
  DaemonProcess d(dataPath("e2e/lodestar.yaml"));
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(d.port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);

  std::vector<Bytes> seeds = {
      QueryBuilder().name("www.example.test.").bytes(),
      QueryBuilder().name("chain1.example.test.").ecs("198.51.100.0/24").bytes(),
      QueryBuilder().name("big.example.test.").type("TXT").withEdns(4096).bytes(),
      QueryBuilder().name("host.deleg.example.test.").ecs("2001:db8:100::/48").bytes(),
  };
  std::mt19937 rng(0x10de);
  const int kPackets = 100'000;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  uint8_t sink[4096];
  int sent = 0;
  for (; sent < kPackets && std::chrono::steady_clock::now() < deadline; ++sent) {
    Bytes b;
    if (sent % 3 == 0) {
      b.resize(rng() % 600);
      for (auto& x : b) x = static_cast<uint8_t>(rng());
    } else {
      b = seeds[rng() % seeds.size()];
      for (int k = 0, flips = 1 + static_cast<int>(rng() % 6); k < flips; ++k)
        b[rng() % b.size()] = static_cast<uint8_t>(rng());
      if (rng() % 3 == 0) b.resize(rng() % (b.size() + 1));
    }
    while (send(fd, b.data(), b.size(), 0) < 0 && errno == EAGAIN) {
      while (recv(fd, sink, sizeof sink, 0) > 0) {
      }
    }
    while (recv(fd, sink, sizeof sink, 0) > 0) {  // keep our receive buffer drained
    }
  }
  close(fd);
  CHECK(sent == kPackets);
  REQUIRE(d.alive());
  Answer after = d.ask(QueryBuilder().name("www.example.test."));
  CHECK(after.rcode == 0);
  CHECK(after.answer.size() == 2);
  CHECK(d.askTcp(QueryBuilder().name("www.example.test.")).answer.size() == 2);
}

TEST_CASE("garbage over TCP closes that connection only", "[e2e][robustness]") {
  DaemonProcess d(dataPath("e2e/lodestar.yaml"));
  std::mt19937 rng(99);
  for (int i = 0; i < 50; ++i) {
    Bytes junk(rng() % 3000);
    for (auto& x : junk) x = static_cast<uint8_t>(rng());
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(d.port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
      (void)!send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    close(fd);
  }
  REQUIRE(d.alive());
  // The cap (8) may still be full of junk connections the workers have not yet seen close.
  bool answered = false;
  for (int i = 0; i < 30 && !answered; ++i) {
    answered = d.tcp({QueryBuilder().name("www.example.test.").bytes()}).size() == 1;
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(answered);
}

namespace {

size_t countOf(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// `n` datagrams of 5 bytes: shorter than a header, dropped without an answer.
void sendShort(uint16_t port, int n) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const uint8_t junk[5] = {1, 2, 3, 4, 5};
  for (int i = 0; i < n; ++i)
    sendto(fd, junk, sizeof junk, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  close(fd);
}

bool waitFor(DaemonProcess& d, const std::string& part, size_t count, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (countOf(d.log(), part) >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("malformed packets are told in the log at most once per 10 seconds with their count", "[e2e][robustness]") {
  DaemonProcess d(dataPath("e2e/lodestar.yaml"));
  sendShort(d.port(), 40);
  REQUIRE(waitFor(d, "packets: in the last", 1, std::chrono::seconds(5)));
  // A second burst right after: no second line until the interval has passed, then the rest.
  sendShort(d.port(), 25);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(countOf(d.log(), "packets: in the last") == 1);
  REQUIRE(waitFor(d, "packets: in the last", 2, std::chrono::seconds(12)));
  // Every packet told once, whichever tick each burst fell into.
  const std::string log = d.log();
  uint64_t told = 0;
  for (size_t at = log.find("packets: in the last"); at != std::string::npos;
       at = log.find("packets: in the last", at + 1)) {
    const size_t n = log.find(" s: ", at) + 4;
    CHECK(log.compare(log.find(' ', n), 10, " dropped (") == 0);
    told += std::stoull(log.substr(n));
  }
  CHECK(told == 65);
  REQUIRE(d.alive());
}
