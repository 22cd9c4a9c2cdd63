// Response rate limiting on the running daemon (issue 28): over UDP from one /24 the answers
// stop at the limit, every second limited answer comes back empty with TC=1, the retry over
// TCP gets the answer, another /24 is answered all along, and `lodestarctl stats` counts it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "tests/support/command.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/dns_message.hpp"

using namespace lodestar::test;

namespace {

struct Burst {
  int answered = 0;   // whole answers
  int truncated = 0;  // empty, TC=1
  int silent = 0;     // no answer within the wait
};

// Sends `count` copies of `query` from `source` (a loopback address) as fast as the socket
// takes them, then collects the answers for up to half a second.
Burst burst(const char* source, uint16_t port, const Bytes& query, int count) {
  Burst b;
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source, &from.sin_addr);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  for (int i = 0; i < count; ++i)
    REQUIRE(sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
            static_cast<ssize_t>(query.size()));
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  int got = 0;
  while (got < count && std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    uint8_t buf[1500];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 12) continue;
    ++got;
    const bool tc = buf[2] & 0x02;
    const int answers = buf[6] << 8 | buf[7];
    if (tc) {
      CHECK(answers == 0);
      ++b.truncated;
    } else {
      CHECK(answers > 0);
      ++b.answered;
    }
  }
  close(fd);
  b.silent = count - got;
  return b;
}

}  // namespace

TEST_CASE("rate limit: the limit holds per /24 over UDP, slips with TC=1, and TCP gets the answer", "[e2e][rrl]") {
  // One worker: its share is the whole limit. The demo's loopback exemption is dropped.
  DemoFixture demo({}, "workers: 1\nrate_limit:\n  responses_per_second: 5\n  slip: 2\n");
  DaemonProcess& d = demo.daemon();
  const Bytes query = QueryBuilder{}.name("www.gtm.example.test.").type(1).withEdns(1232).bytes();
  const Burst first = burst("127.0.0.1", d.port(), query, 40);
  INFO("answered " << first.answered << ", truncated " << first.truncated << ", silent " << first.silent);
  // Five from the full bucket, and what a second refills while the burst lasts (a few ms).
  CHECK(first.answered >= 5);
  CHECK(first.answered <= 7);
  const int limited = 40 - first.answered;
  CHECK(first.truncated >= limited / 2 - 1);
  CHECK(first.truncated <= limited / 2 + 1);
  CHECK(first.silent >= limited / 2 - 1);
  // The client told to retry over TCP gets its answer there.
  const Answer overTcp = d.askTcp(QueryBuilder{}.name("www.gtm.example.test.").type(1));
  CHECK(overTcp.rcode == 0);
  CHECK_FALSE(overTcp.answer.empty());
  // Another /24 has a bucket of its own: answered while the first is limited.
  const Burst other = burst("127.0.9.1", d.port(), query, 4);
  CHECK(other.answered == 4);
  // The counters.
  const auto stats = runCommand(std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml stats");
  INFO(stats.output);
  CHECK(stats.status == 0);
  CHECK(stats.output.find("rate limit   " + std::to_string(first.silent)) != std::string::npos);
  CHECK(stats.output.find("sent empty with TC=1 (responses ") != std::string::npos);
}
