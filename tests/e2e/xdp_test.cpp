// The AF_XDP path end to end: two network namespaces joined by a veth pair (made here), the
// daemon in one with `xdp:` on its side of the veth, kdig in the other. Needs root: the tests
// say so and report themselves skipped when run as another user (CI runs as root).
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>

#include <regex>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/netns_pair.hpp"
#include "tests/support/skip.hpp"

using namespace lodestar::test;

namespace {

const char* kZone = R"(zone: example.test
ttl: 300
soa: {serial: 1}
nameservers: {ns1: 192.0.2.1}
records:
  www:
    A: [192.0.2.80, 192.0.2.81]
    AAAA: 2001:db8::80
)";

// A zone directory with `big`: 120 A records, about 2 KB, more than one Ethernet frame.
std::string writeZones(const TempDir& dir) {
  std::string big = "  big:\n    A: [";
  for (int i = 0; i < 120; ++i) big += (i ? ", " : "") + std::string("198.51.100.") + std::to_string(i + 1);
  dir.write("zones/example.test.yaml", std::string(kZone) + big + "]\n");
  return dir.path() + "/zones/";
}

std::string writeConfig(const TempDir& dir, const NetnsPair& net, const std::string& interface) {
  return dir.write("lodestar.yaml", "listen: [" + net.server4 + ":5300, '[" + net.server6 + "]:5300']\n"
                                    "workers: 1\nzones: [" + writeZones(dir) + "]\n"
                                    "control_socket: " + dir.path() + "/ctl.sock\n"
                                    "udp: {max_payload: 4096}\n"
                                    "xdp: {interface: " + interface + ", queues: [0]}\n");
}

std::string kdig(const NetnsPair& net, const std::string& server, const std::string& args) {
  return net.inClient("kdig @" + server + " -p 5300 +time=2 +retry=0 " + args + " 2>&1");
}

std::string stats(const TempDir& dir) {
  return runCommand(std::string(LODESTARCTL_BINARY) + " --socket " + dir.path() + "/ctl.sock stats").output;
}

bool skipped() {
  if (NetnsPair::possible()) return false;
  WARN("SKIPPED: not root (or no iproute2), the AF_XDP path is not tested here");
  markSkipped();
  return true;  // the caller returns: a skip, reported to ctest as one
}

}  // namespace

TEST_CASE("xdp: UDP queries on the interface are answered through AF_XDP, TCP through sockets", "[e2e][xdp]") {
  if (skipped()) return;
  NetnsPair net;
  TempDir dir;
  DaemonProcess d(writeConfig(dir, net, net.serverIf), net.inServer());
  INFO(d.log());
  CHECK_THAT(d.log(), Catch::Contains("xdp: UDP queries on " + net.serverIf + " queue(s) 0 answered through AF_XDP (native mode"));
  CHECK_THAT(net.serverLink(), Catch::Contains("prog/xdp"));

  std::string a = kdig(net, net.server4, "www.example.test A");
  CHECK_THAT(a, Catch::Contains("status: NOERROR") && Catch::Contains("192.0.2.80") && Catch::Contains("192.0.2.81") &&
                    Catch::Contains("(UDP)"));
  std::string v6 = kdig(net, net.server6, "www.example.test AAAA");
  CHECK_THAT(v6, Catch::Contains("2001:db8::80") && Catch::Contains("(UDP)"));
  std::string nx = kdig(net, net.server4, "nothing.example.test A");
  CHECK_THAT(nx, Catch::Contains("status: NXDOMAIN"));
  std::string ecs = kdig(net, net.server4, "+subnet=203.0.113.0/24 www.example.test A");
  CHECK_THAT(ecs, Catch::Contains("CLIENT-SUBNET: 203.0.113.0/24/0"));
  std::string tcp = kdig(net, net.server4, "+tcp www.example.test A");
  CHECK_THAT(tcp, Catch::Contains("192.0.2.80") && Catch::Contains("(TCP)"));

  // Four UDP queries came through the AF_XDP socket and were answered there; the TCP one not.
  std::string s = stats(dir);
  INFO(s);
  CHECK_THAT(s, Catch::Contains("queries      5"));
  CHECK_THAT(s, Catch::Contains("queue 0    4 frames in, 4 answered, 0 malformed"));
}

TEST_CASE("xdp: an answer larger than the link's frame is truncated, not fragmented", "[e2e][xdp]") {
  if (skipped()) return;
  NetnsPair net;
  TempDir dir;
  DaemonProcess d(writeConfig(dir, net, net.serverIf), net.inServer());
  // udp.max_payload is 4096 and kdig offers 4096, but a 1500-byte link carries one frame of
  // at most 1472 bytes of DNS over IPv4: the answer says TC, and TCP gets it all.
  std::string udp = kdig(net, net.server4, "+bufsize=4096 +ignore big.example.test A");
  INFO(udp);
  CHECK_THAT(udp, Catch::Contains("(UDP)"));
  CHECK(std::regex_search(udp, std::regex(R"(Flags:[^\n]* tc[ \n])")));
  std::smatch m;
  REQUIRE(std::regex_search(udp, m, std::regex(R"(Received (\d+) B)")));
  CHECK(std::stoi(m[1]) <= 1472);
  std::string tcp = kdig(net, net.server4, "+tcp big.example.test A");
  CHECK_THAT(tcp, Catch::Contains("ANSWER: 120"));
  CHECK_THAT(stats(dir), Catch::Contains("1 frames in, 1 answered"));
}

TEST_CASE("xdp: the program leaves with the daemon, and a killed daemon's copy is replaced on restart",
          "[e2e][xdp]") {
  if (skipped()) return;
  NetnsPair net;
  TempDir dir;
  const std::string config = writeConfig(dir, net, net.serverIf);
  {
    DaemonProcess d(config, net.inServer());
    REQUIRE_THAT(net.serverLink(), Catch::Contains("prog/xdp"));
    CHECK(d.stop() == 0);
    CHECK_THAT(net.serverLink(), !Catch::Contains("prog/xdp"));
  }
  {
    DaemonProcess d(config, net.inServer());
    kill(d.pid(), SIGKILL);
    waitpid(d.pid(), nullptr, 0);
    // Left attached, with no socket behind it: queries fall through to the kernel, which has
    // no socket on the port either.
    CHECK_THAT(net.serverLink(), Catch::Contains("prog/xdp"));
  }
  DaemonProcess d(config, net.inServer());
  INFO(d.log());
  CHECK_THAT(d.log(), Catch::Contains("answered through AF_XDP"));
  CHECK_THAT(kdig(net, net.server4, "www.example.test A"), Catch::Contains("192.0.2.80"));
  CHECK_THAT(stats(dir), Catch::Contains("1 frames in, 1 answered"));
}

TEST_CASE("xdp: when the kernel path cannot start, the sockets answer and stats say why", "[e2e][xdp]") {
  if (skipped()) return;
  NetnsPair net;
  TempDir dir;
  DaemonProcess d(writeConfig(dir, net, "nosuch0"), net.inServer());
  INFO(d.log());
  CHECK_THAT(d.log(), Catch::Contains("error: xdp: off on nosuch0 (no network interface named 'nosuch0'); the sockets "
                                      "answer every query"));
  CHECK_THAT(kdig(net, net.server4, "www.example.test A"), Catch::Contains("192.0.2.80"));
  std::string s = stats(dir);
  CHECK_THAT(s, Catch::Contains("xdp          nosuch0 (native): OFF, the sockets answer every query: no network "
                                "interface named 'nosuch0'"));
  CHECK_THAT(s, Catch::Contains("queries      1"));
}
