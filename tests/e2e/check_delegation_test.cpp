// lodestarctl check-delegation against a world on loopback: a parent Lodestar delegating
// gtm.example.test to two child Lodestar nodes (ns1 127.0.0.41, ns2 127.0.0.42, one port), and
// for the ECS case a tiny fake server (python3) that answers without echoing ECS. The good world
// passes; each broken one is named in the report's own words.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

extern char** environ;

using namespace lodestar::test;

namespace {

// A port free for UDP and TCP on each of the world's addresses (the kernel's pick on the first).
uint16_t freePort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    uint16_t port = 0;
    bool free = true;
    std::vector<int> fds;
    for (const char* host : {"127.0.0.41", "127.0.0.42", "127.0.0.43", "127.0.0.46"})
      for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
        int fd = socket(AF_INET, type, 0);
        fds.push_back(fd);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        inet_pton(AF_INET, host, &a.sin_addr);
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) free = false;
        socklen_t len = sizeof a;
        if (free && port == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) port = ntohs(a.sin_port);
      }
    for (int fd : fds) close(fd);
    if (free && port != 0) return port;
  }
  throw std::runtime_error("no free port on 127.0.0.41-43 and .46");
}

// An authoritative server for gtm.example.test that answers SOA and NS with an OPT record but
// never echoes ECS: what check-delegation must name (Lodestar always echoes).
constexpr const char* kNoEcsServer = R"PY(
import socket, struct, sys, threading
host, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def answer(q):
    i = 12
    while q[i]: i += q[i] + 1
    qend = i + 5
    qtype = struct.unpack('!H', q[i + 1:i + 3])[0]
    rrs, count = b'', 0
    if qtype == 6:
        rdata = b'\x03ns3\xc0\x0c\x0ahostmaster\xc0\x0c' + struct.pack('!IIIII', 1, 3600, 600, 86400, 60)
        rrs, count = b'\xc0\x0c' + struct.pack('!HHIH', 6, 1, 60, len(rdata)) + rdata, 1
    elif qtype == 2:
        for n in (b'ns1', b'ns2', b'ns3'):
            rdata = b'\x03' + n + b'\xc0\x0c'
            rrs, count = rrs + b'\xc0\x0c' + struct.pack('!HHIH', 2, 1, 60, len(rdata)) + rdata, count + 1
    opt = b'\x00' + struct.pack('!HHIH', 41, 1232, 0, 0)
    return q[:2] + struct.pack('!HHHHH', 0x8400, 1, count, 0, 1) + q[12:qend] + rrs + opt
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((host, port))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((host, port))
tcp.listen(8)
def serve_tcp():
    while True:
        c, _ = tcp.accept()
        try:
            while True:
                n = c.recv(2)
                if len(n) < 2: break
                q = b''
                while len(q) < struct.unpack('!H', n)[0]: q += c.recv(65535)
                a = answer(q)
                c.sendall(struct.pack('!H', len(a)) + a)
        except OSError: pass
        c.close()
threading.Thread(target=serve_tcp, daemon=True).start()
open(ready, 'w').close()
while True:
    q, peer = udp.recvfrom(65535)
    udp.sendto(answer(q), peer)
)PY";

// A parent that answers over TCP only: it relays each TCP connection to the real parent's TCP
// port; nothing listens on its UDP port.
constexpr const char* kTcpOnlyRelay = R"PY(
import socket, sys, threading
host, port, upstream, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((host, port))
listener.listen(8)
def pipe(src, dst):
    try:
        while True:
            data = src.recv(65535)
            if not data: break
            dst.sendall(data)
    except OSError: pass
    try: dst.shutdown(socket.SHUT_WR)
    except OSError: pass
open(ready, 'w').close()
while True:
    client, _ = listener.accept()
    up = socket.create_connection(('127.0.0.1', upstream))
    threading.Thread(target=pipe, args=(client, up), daemon=True).start()
    threading.Thread(target=pipe, args=(up, client), daemon=True).start()
)PY";

// A python3 helper's process (one of the scripts above), stopped by its PID.
struct FakeServer {
  pid_t pid = -1;
  FakeServer(TempDir& dir, uint16_t port) : FakeServer(dir, "no_ecs", kNoEcsServer, {"127.0.0.43", std::to_string(port)}) {}
  FakeServer(TempDir& dir, const std::string& name, const char* text, std::vector<std::string> args) {
    const std::string script = dir.write(name + ".py", text), ready = dir.path() + "/" + name + ".ready";
    std::vector<std::string> words = {"/usr/bin/python3", script};
    words.insert(words.end(), args.begin(), args.end());
    words.push_back(ready);
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) throw std::runtime_error("no python3");
    for (int i = 0; i < 500 && access(ready.c_str(), F_OK) != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~FakeServer() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }
};

// What is broken: ns2's glue, ns2's serial, a third server that does not echo ECS, ns1's TTLs.
struct Shape {
  std::string glue2 = "127.0.0.42";
  int serial2 = 1;
  bool noEcsServer = false;  // ns3 at 127.0.0.43: the fake server
  bool slowChecks = false;   // ns1 steers www with a TTL shorter than its checks take, and has a control socket
  bool twoAddresses = false; // ns1 has two addresses, 127.0.0.46 and .41, listed in that order everywhere
};

struct World {
  TempDir dir;
  uint16_t port = freePort();
  std::unique_ptr<DaemonProcess> parent, ns1, ns2;
  std::unique_ptr<FakeServer> ns3;
  std::string socket = dir.path() + "/no.sock";  // the local daemon's, for the TTL finding
  std::string ns1Addresses_;

  World() : World(Shape()) {}
  explicit World(const Shape& shape) {
    const std::string ns1Addresses = shape.twoAddresses ? "[127.0.0.46, 127.0.0.41]" : "127.0.0.41";
    std::string ns = "[ns1.gtm.example.test., ns2.gtm.example.test.",
                glue = "  ns1.gtm: {A: " + ns1Addresses + "}\n  ns2.gtm: {A: " + shape.glue2 + "}\n";
    if (shape.noEcsServer) {
      ns += ", ns3.gtm.example.test.";
      glue += "  ns3.gtm: {A: 127.0.0.43}\n";
    }
    dir.write("parent/zones/example.test.yaml", "zone: example.test\nsoa: {serial: 7}\nnameservers: {ns: 127.0.0.1}\n"
                                                "records:\n  gtm: {NS: " + ns + "]}\n" + glue);
    parent = std::make_unique<DaemonProcess>(
        dir.write("parent/lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [" + dir.path() + "/parent/zones/]\n"));
    const std::string servers = shape.noEcsServer ? ", ns3: 127.0.0.43" : "";
    std::string steered, control;
    if (shape.slowChecks) {
      steered = "checks:\n  slow: {kind: tcp, port: 9, interval: 60s, timeout: 5s, fall: 3}\nregions: {a: ~}\n"
                "pools:\n  web: {check: slow, regions: {a: [127.0.0.45]}}\n"
                "records:\n  www: {steer: {policy: failover, pool: web, order: [a], ttl: 20}}\n";
      socket = dir.path() + "/ns1/ctl.sock";
      control = "control_socket: " + socket + "\n";
    }
    ns1Addresses_ = ns1Addresses;
    ns1 = child("ns1", shape.twoAddresses ? "127.0.0.46:" + std::to_string(port) + ", 127.0.0.41" : "127.0.0.41", 1,
                servers, steered, control);
    ns2 = child("ns2", "127.0.0.42", shape.serial2, servers, steered, "");
    if (shape.noEcsServer) ns3 = std::make_unique<FakeServer>(dir, port);
  }

  std::unique_ptr<DaemonProcess> child(const std::string& node, const std::string& address, int serial,
                                       const std::string& more, const std::string& steered, const std::string& control) {
    dir.write(node + "/zones/gtm.example.test.yaml",
              "zone: gtm.example.test\nsoa: {serial: " + std::to_string(serial) + "}\nnameservers: {ns1: " + ns1Addresses_ +
                  ", ns2: 127.0.0.42" +
                  more + "}\n" + (steered.empty() ? "records:\n  www: {A: 192.0.2.80}\n" : steered));
    return std::make_unique<DaemonProcess>(dir.write(node + "/lodestar.yaml", "listen: [" + address + ":" + std::to_string(port) +
                                                                                  "]\nworkers: 1\nzones: [" + dir.path() + "/" +
                                                                                  node + "/zones/]\n" + control));
  }

  CommandResult check(const std::string& more = "") {
    return runCommand(std::string(LODESTARCTL_BINARY) + " -s " + socket + " check-delegation gtm.example.test" +
                      " --parent-ns 127.0.0.1:" + std::to_string(parent->port()) + " --port " + std::to_string(port) + more);
  }
};

}  // namespace

TEST_CASE("check-delegation: the good world passes, in words and in JSON", "[e2e][delegation]") {
  World w;
  auto r = w.check();
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("delegation of gtm.example.test.: OK (2 servers, serial 1)"));
  auto j = w.check(" --json");
  INFO(j.output);
  CHECK(j.status == 0);
  const auto report = nlohmann::json::parse(j.output);
  CHECK(report.at("ok") == true);
  CHECK(report.at("findings").empty());
  CHECK(report.at("parent_ns") == nlohmann::json({"ns1.gtm.example.test.", "ns2.gtm.example.test."}));
  CHECK(report.at("zone_ns") == report.at("parent_ns"));
  REQUIRE(report.at("servers").size() == 2);
  for (const auto& s : report.at("servers")) {
    CHECK(s.at("authoritative") == true);
    CHECK(s.at("ecs_echo") == true);
    CHECK(s.at("tcp") == true);
    CHECK(s.at("serial") == 1);
  }
}

TEST_CASE("check-delegation: a server's addresses in another order at the parent than in the zone are the same glue",
          "[e2e][delegation]") {
  Shape shape;
  shape.twoAddresses = true;
  World w(shape);
  auto r = w.check();
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("delegation of gtm.example.test.: OK (3 servers, serial 1)"));
}

TEST_CASE("check-delegation: glue that differs from the zone's own address is named", "[e2e][delegation]") {
  Shape shape;
  shape.glue2 = "127.0.0.49";
  World w(shape);
  auto r = w.check();
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("glue for ns2.gtm.example.test.: the parent says 127.0.0.49, the zone says 127.0.0.42"));
  // Resolvers following the glue ask an address nothing answers on: said too.
  CHECK_THAT(r.output, Catch::Contains("127.0.0.49 (ns2.gtm.example.test.): no answer over UDP within 2 s"));
  auto j = nlohmann::json::parse(w.check(" --json").output);
  bool coded = false;
  for (const auto& f : j.at("findings")) coded = coded || f.at("code") == "glue_mismatch";
  CHECK(coded);
}

TEST_CASE("check-delegation: a node that is down is named unreachable", "[e2e][delegation]") {
  World w;
  w.ns2->stop();
  auto r = w.check();
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("127.0.0.42 (ns2.gtm.example.test.): no answer over UDP within 2 s (2 tries), nor over TCP"));
  CHECK_THAT(r.output, Catch::Contains("delegation of gtm.example.test.: 1 problem(s)"));
}

TEST_CASE("check-delegation: a node serving another serial is named with both serials", "[e2e][delegation]") {
  Shape shape;
  shape.serial2 = 2;
  World w(shape);
  auto r = w.check();
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("serials of gtm.example.test. differ: 127.0.0.41 (ns1.gtm.example.test.) serves 1, "
                                       "127.0.0.42 (ns2.gtm.example.test.) serves 2"));
}

TEST_CASE("check-delegation: a server that does not echo ECS is named", "[e2e][delegation]") {
  Shape shape;
  shape.noEcsServer = true;
  World w(shape);
  auto r = w.check();
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("127.0.0.43 (ns3.gtm.example.test.): does not echo the EDNS Client Subnet option"));
  CHECK_THAT(r.output, Catch::Contains("delegation of gtm.example.test.: 1 problem(s)"));
}

TEST_CASE("check-delegation: a TTL shorter than the health checks take is named, from the local daemon's check",
          "[e2e][delegation]") {
  Shape shape;
  shape.slowChecks = true;
  World w(shape);
  auto r = w.check();
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK_THAT(r.output, Catch::Contains("www.gtm.example.test.: its health checks can take up to "));
  CHECK_THAT(r.output, Catch::Contains("longer than its TTL 20s: caches may keep a failed region's answer"));
  auto j = nlohmann::json::parse(w.check(" --json").output);
  REQUIRE(j.at("findings").size() == 1);
  CHECK(j.at("findings")[0].at("code") == "ttl_slower_than_checks");
}

TEST_CASE("check-delegation: a parent that answers over TCP only is named, and the delegation is still judged",
          "[e2e][delegation]") {
  World w;
  const uint16_t relayPort = freePort();
  FakeServer relay(w.dir, "tcp_only", kTcpOnlyRelay,
                   {"127.0.0.44", std::to_string(relayPort), std::to_string(w.parent->port())});
  auto r = runCommand(std::string(LODESTARCTL_BINARY) + " -s " + w.socket + " check-delegation gtm.example.test" +
                      " --parent-ns 127.0.0.44:" + std::to_string(relayPort) + " --port " + std::to_string(w.port) +
                      " --json");
  INFO(r.output);
  CHECK(r.status == 1);
  const auto report = nlohmann::json::parse(r.output);
  REQUIRE(report.at("findings").size() == 1);
  CHECK(report.at("findings")[0].at("code") == "parent_udp_failed");
  CHECK_THAT(report.at("findings")[0].at("text").get<std::string>(), Catch::Contains("though TCP answers"));
  // The delegation itself came over TCP: both servers were found through it and asked.
  CHECK(report.at("parent_ns") == nlohmann::json({"ns1.gtm.example.test.", "ns2.gtm.example.test."}));
  CHECK(report.at("servers").size() == 2);
  CHECK(report.at("parents")[0].contains("udp_error"));
}

TEST_CASE("check-delegation: an unreachable parent exits 3, a bad address is a usage error", "[e2e][delegation]") {
  TempDir dir;
  const std::string ctl = std::string(LODESTARCTL_BINARY) + " -s " + dir.path() + "/no.sock check-delegation gtm.example.test";
  auto down = runCommand(ctl + " --parent-ns 127.0.0.44:" + std::to_string(freePort()));
  INFO(down.output);
  CHECK(down.status == 3);
  CHECK_THAT(down.output, Catch::Contains("no parent server answers for gtm.example.test."));
  auto bad = runCommand(ctl + " --parent-ns 300.1.2.3");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, Catch::Contains("'300.1.2.3' is not an IPv4 or IPv6 address"));
}
