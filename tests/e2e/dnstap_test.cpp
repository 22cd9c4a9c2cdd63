// The dnstap query log (issue 30), read back by an independent reader (Debian's dnstap-ldns):
// every query sent over UDP and TCP is there as AUTH_QUERY and AUTH_RESPONSE, with its ECS
// option, and a steered answer names its region in the extra field.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/command.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/occurrences.hpp"
#include "tests/support/skip.hpp"

using namespace lodestar::test;

namespace {

bool haveReaders() { return access("/usr/bin/dnstap-ldns", X_OK) == 0 && access("/usr/bin/fstrm_dump", X_OK) == 0; }

double wallSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Every "query_time"/"response_time" dnstap-ldns printed, as seconds since the epoch (UTC).
std::vector<double> loggedTimes(const std::string& yaml) {
  std::vector<double> times;
  const std::regex stamp(R"(_time: !!timestamp (\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)\.(\d+))");
  for (auto it = std::sregex_iterator(yaml.begin(), yaml.end(), stamp); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    tm t{};
    t.tm_year = std::stoi(m[1]) - 1900;
    t.tm_mon = std::stoi(m[2]) - 1;
    t.tm_mday = std::stoi(m[3]);
    t.tm_hour = std::stoi(m[4]);
    t.tm_min = std::stoi(m[5]);
    t.tm_sec = std::stoi(m[6]);
    times.push_back(double(timegm(&t)) + std::stod("0." + m[7].str()));
  }
  return times;
}

}  // namespace

TEST_CASE("dnstap: every query and answer is in the log, with its ECS option and region, read by dnstap-ldns",
          "[e2e][dnstap]") {
  if (!haveReaders()) LODESTAR_SKIP("dnstap-ldns or fstrm_dump is not installed (apt-get install dnstap-ldns fstrm-bin)");
  TempDir out;
  const std::string file = out.path() + "/queries.fstrm";
  DemoFixture demo({}, "dnstap:\n  file: " + file + "\n  identity: ns-test\n");
  DaemonProcess& d = demo.daemon();
  // 5 steered A over UDP with ECS (192.0.2.0/24), 3 NXDOMAIN over UDP, 2 steered over TCP.
  std::string region;
  const double firstSent = wallSeconds();
  for (int i = 0; i < 5; ++i) {
    Answer a = d.ask(QueryBuilder{}.name("www.gtm.example.test.").type(1).ecs("192.0.2.0/24"));
    REQUIRE(a.rcode == 0);
  }
  for (int i = 0; i < 3; ++i) REQUIRE(d.ask(QueryBuilder{}.name("nothing-here.gtm.example.test.")).rcode == 3);
  for (int i = 0; i < 2; ++i) REQUIRE(d.askTcp(QueryBuilder{}.name("www.gtm.example.test.").type(1)).rcode == 0);
  // After a reload the answers come from a new view: its regions are named as well (a record
  // names its region by number and view; the writer holds each view's names).
  REQUIRE(kill(d.pid(), SIGHUP) == 0);
  for (int i = 0; i < 100 && d.log().find("reloaded:") == std::string::npos; ++i) usleep(50'000);
  REQUIRE(d.log().find("reloaded:") != std::string::npos);
  REQUIRE(d.ask(QueryBuilder{}.name("www.gtm.example.test.").type(1).ecs("192.0.2.0/24")).rcode == 0);
  const double lastAnswered = wallSeconds();
  // Each thread says what it does (top -H, ps -L, and tools/bench/dnstap_cpu.sh counts the
  // answering threads apart from the writer by these names).
  const std::string threads = runCommand("cat /proc/" + std::to_string(d.pid()) + "/task/*/comm").output;
  CHECK(count(threads, "lodestar-udp\n") >= 1);
  CHECK(count(threads, "lodestar-tcp\n") >= 1);
  CHECK(count(threads, "lodestar-tap\n") == 1);
  REQUIRE(d.stop() == 0);  // the writer closes the file: complete, with its stop frame

  const CommandResult read = runCommand("TZ=UTC /usr/bin/dnstap-ldns -y -r " + file);
  INFO(read.output.substr(0, 6000));
  REQUIRE(read.status == 0);
  const std::string& y = read.output;
  CHECK(count(y, "type: AUTH_QUERY") == 11);
  CHECK(count(y, "type: AUTH_RESPONSE") == 11);
  // When each was answered: the workers stamp the CPU's counter (or the clock), the writer
  // turns it into the time of day; every stamp lies between the first query and the last
  // answer (dnstap-ldns prints microseconds).
  const std::vector<double> times = loggedTimes(y);
  CHECK(times.size() == 33);  // a query's time in each frame, a response's in each response
  for (double t : times) {
    CHECK(t >= firstSent - 1e-6);
    CHECK(t <= lastAnswered + 1e-6);
  }
  CHECK(count(y, "identity: \"ns-test\"") == 22);
  CHECK(count(y, "socket_protocol: UDP") == 18);
  CHECK(count(y, "socket_protocol: TCP") == 4);
  CHECK(count(y, "query_address: \"127.0.0.1\"") == 22);
  CHECK(count(y, "query_port: ") == 22);  // the client's source port, UDP and TCP
  CHECK(count(y, "query_port: 0\n") == 0);
  // Each query's question, in the query and in its answer.
  CHECK(count(y, "www.gtm.example.test.\tIN\tA") >= 16);
  CHECK(count(y, "nothing-here.gtm.example.test.\tIN\tA") >= 6);
  CHECK(count(y, "NXDOMAIN") == 3);
  // ECS, as dnstap-ldns prints an EDNS option (hex): code 8, length 7, family 1, source /24,
  // then scope 0 in each of the five queries (printed twice: an AUTH_RESPONSE carries its
  // query too) and /24 in their answers, 192.0.2.
  CHECK(count(y, "0008000700011800c00002") == 12);
  CHECK(count(y, "0008000700011818c00002") == 6);
  // The region that answered each of the 8 steered queries, in the extra field of its query
  // and its response. dnstap-ldns does not print that field; fstrm's own dump shows the bytes.
  const CommandResult dump = runCommand("/usr/bin/fstrm_dump " + file);
  INFO(dump.output.substr(0, 3000));
  REQUIRE(dump.status == 0);
  CHECK(count(dump.output, "region=") == 16);
  // By name, before the reload and after it: every one a region of the demo.
  CHECK(count(dump.output, "region=eu-west") + count(dump.output, "region=us-east") +
            count(dump.output, "region=ap-northeast") == 16);
  CHECK(count(dump.output, "region=#") == 0);  // never a region the writer could not name
}

TEST_CASE("dnstap: with udp.max_payload 4096 (no room for the answer in a slot) UDP answers are still logged and junk is not",
          "[e2e][dnstap]") {
  if (!haveReaders()) LODESTAR_SKIP("dnstap-ldns or fstrm_dump is not installed (apt-get install dnstap-ldns fstrm-bin)");
  TempDir out;
  const std::string file = out.path() + "/queries.fstrm";
  // A slot holds 2,048 bytes: a 4,096-byte answer cannot go beside the query, so the UDP loop
  // answers in its own buffer and the record is copied from the two places.
  DemoFixture demo({}, "udp: {max_payload: 4096}\ndnstap:\n  file: " + file + "\n");
  DaemonProcess& d = demo.daemon();
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(d.port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const uint8_t junk[3] = {0xde, 0xad, 0x01};  // shorter than a header: dropped unanswered
  REQUIRE(sendto(fd, junk, sizeof junk, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == 3);
  close(fd);
  REQUIRE(d.ask(QueryBuilder{}.name("www.gtm.example.test.").type(1).ecs("192.0.2.0/24")).rcode == 0);
  REQUIRE(d.ask(QueryBuilder{}.name("nothing-here.gtm.example.test.")).rcode == 3);
  REQUIRE(d.stop() == 0);
  const CommandResult read = runCommand("TZ=UTC /usr/bin/dnstap-ldns -y -r " + file);
  INFO(read.output.substr(0, 4000));
  REQUIRE(read.status == 0);
  CHECK(count(read.output, "type: AUTH_QUERY") == 2);
  CHECK(count(read.output, "type: AUTH_RESPONSE") == 2);
  CHECK(count(read.output, "NXDOMAIN") == 1);
  CHECK(count(read.output, "0008000700011818c00002") == 1);  // the steered answer's ECS, /24
}
