// Careless operations against a running daemon: files moved, overwritten or replaced under
// it, a second server on its port, nonsense on the control socket. It keeps answering.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <regex>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"

using namespace lodestar::test;

namespace {

const char* kZone = "zone: example.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\nrecords:\n  www: {A: 192.0.2.80}\n";

std::string ctlIn(const std::string& config, const std::string& args) {
  return std::string(LODESTARCTL_BINARY) + " -c " + config + " " + args;
}

// One raw request on the control socket, as a script might send it; the reply line.
std::string rawControl(const std::string& socketPath, const std::string& request, bool closeWrite) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socketPath.c_str(), sizeof addr.sun_path - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "cannot connect";
  }
  (void)!write(fd, request.data(), request.size());
  if (closeWrite) shutdown(fd, SHUT_WR);
  std::string reply;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (poll(&p, 1, 3000) == 1) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return reply;
}

// One zone, a state folder and a control socket.
std::string controlledConfig(const TempDir& dir) {
  dir.write("zones/z.yaml", kZone);
  return dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nstate_dir: state\n"
                                    "control_socket: state/ctl.sock\n");
}

}  // namespace

TEST_CASE("a daemon with no zones answers REFUSED and still stops, and a reload to zero zones needs --force",
          "[e2e][careless][regression]") {
  TempDir dir;
  auto cfg = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 2\nzones: [zones/]\nstate_dir: state\n"
                                        "control_socket: state/ctl.sock\n");
  std::filesystem::create_directories(dir.path() + "/zones");
  {
    DaemonProcess empty(cfg);
    CHECK(empty.ask(QueryBuilder().name("www.example.test.")).rcode == 5);
    CHECK(empty.askTcp(QueryBuilder().name("www.example.test.")).rcode == 5);
    CHECK(empty.stop() == 0);
  }
  dir.write("zones/z.yaml", kZone);
  DaemonProcess d(cfg);
  CHECK(d.ask(QueryBuilder().name("www.example.test.")).rcode == 0);
  std::filesystem::rename(dir.path() + "/zones/z.yaml", dir.path() + "/z.yaml.moved");
  auto refused = runCommand(ctlIn(cfg, "reload"));
  CHECK(refused.status == 1);
  CHECK_THAT(refused.output, Catch::Contains("hold 0 zone(s) against 1 served now"));
  kill(d.pid(), SIGHUP);  // SIGHUP has no --force: refused the same way
  CHECK(d.ask(QueryBuilder().name("www.example.test.")).answer ==
        std::vector<std::string>{"www.example.test. 3600 A 192.0.2.80"});
  auto forced = runCommand(ctlIn(cfg, "reload --force"));
  INFO(forced.output);
  CHECK(forced.status == 0);
  CHECK(d.ask(QueryBuilder().name("www.example.test.")).rcode == 5);
  CHECK(d.askTcp(QueryBuilder().name("www.example.test.")).rcode == 5);
  CHECK(runCommand(ctlIn(cfg, "status")).status == 0);  // the control thread is alive
  std::filesystem::rename(dir.path() + "/z.yaml.moved", dir.path() + "/zones/z.yaml");
  CHECK(runCommand(ctlIn(cfg, "reload")).status == 0);
  CHECK(d.ask(QueryBuilder().name("www.example.test.")).rcode == 0);
  CHECK(d.stop() == 0);
  CHECK_THAT(d.log(), Catch::Contains("refusing to drop them"));
}

TEST_CASE("overwriting the geo database in place neither crashes nor changes the daemon until a reload",
          "[e2e][careless][geo][regression]") {
  DemoFixture demo;
  std::string cfg = demo.dir().path() + "/lodestar.yaml", db = demo.dir().path() + "/geo/demo.mmdb";
  auto explainDe = [&] { return runCommand(ctlIn(cfg, "explain www.gtm.example.test --client 198.51.100.7")); };
  REQUIRE_THAT(explainDe().output, Catch::Contains("country DE"));
  REQUIRE(truncate(db.c_str(), 0) == 0);  // `: > geo/demo.mmdb`
  auto afterTruncate = explainDe();
  INFO(afterTruncate.output);
  CHECK(afterTruncate.status == 0);
  CHECK_THAT(afterTruncate.output, Catch::Contains("country DE"));
  CHECK(demo.daemon().alive());
  // Another valid database copied over it: old facts until a reload, the new ones after.
  TempDir other;
  auto csv = other.write("n.csv", "network,continent,country,subdivision,latitude,longitude\n"
                                  "198.51.100.0/24,AS,JP,,35.7,139.7\n127.0.0.0/8,NA,US,,39,-77\n");
  auto built = runCommand(std::string(LODESTAR_GEODB_BINARY) + " build " + csv + " -o " + other.path() + "/jp.mmdb");
  REQUIRE(built.status == 0);
  REQUIRE(runCommand("cp " + other.path() + "/jp.mmdb " + db).status == 0);
  CHECK_THAT(explainDe().output, Catch::Contains("country DE"));
  CHECK(runCommand(ctlIn(cfg, "reload")).status == 0);
  CHECK_THAT(explainDe().output, Catch::Contains("country JP"));
  CHECK(demo.daemon().alive());
}

TEST_CASE("a second daemon on the same address and port is refused and names the first", "[e2e][careless][regression]") {
  TempDir dir;
  dir.write("zones/z.yaml", kZone);
  DaemonProcess first(dir.write("a.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\n"));
  auto second = runCommand("timeout 20 " + std::string(LODESTAR_BINARY_FOR_TESTS) + " -c " +
                           dir.write("b.yaml", "listen: [127.0.0.1:" + std::to_string(first.port()) +
                                                   "]\nzones: [zones/]\n"));
  INFO(second.output);
  CHECK(second.status == 1);
  CHECK_THAT(second.output, Catch::Contains("127.0.0.1:" + std::to_string(first.port()) + " is already served by pid " +
                                            std::to_string(first.pid()) + " (lodestar)"));
}

TEST_CASE("the control socket: no newline, idle clients, wrong argument types, stale socket files",
          "[e2e][careless][control][regression]") {
  TempDir dir;
  auto cfg = controlledConfig(dir);
  DaemonProcess d(cfg);
  std::string sock = dir.path() + "/state/ctl.sock";
  CHECK_THAT(rawControl(sock, R"({"version":1,"command":"ping"})", true), Catch::Contains("\"ok\":true"));
  auto typed = rawControl(sock, R"({"version":1,"command":"drain","args":{"target":5}})" "\n", false);
  CHECK_THAT(typed, Catch::Contains("argument \\\"target\\\" must be a string, not number"));
  auto when = rawControl(sock, R"({"version":1,"command":"drain","args":{"target":"x","start":"soon","end":2}})" "\n",
                         false);
  CHECK_THAT(when, Catch::Contains("argument \\\"start\\\" must be an integer"));
  CHECK_THAT(typed + when, !Catch::Contains("internal error"));

  // An idle client is closed by the daemon, not kept open forever.
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  auto start = std::chrono::steady_clock::now();
  pollfd p{fd, POLLIN, 0};
  REQUIRE(poll(&p, 1, 20000) == 1);
  char byte;
  CHECK(read(fd, &byte, 1) == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(15));
  close(fd);
  CHECK(d.stop() == 0);
  CHECK_THAT(d.log(), Catch::Contains("stopped after 0 queries (0 dropped"));

  // A folder where the socket goes: the start fails, says why, and removes nothing.
  std::filesystem::create_directories(sock + "/in-the-way");
  auto blocked = runCommand("timeout 20 " + std::string(LODESTAR_BINARY_FOR_TESTS) + " -c " + cfg);
  CHECK(blocked.status == 1);
  CHECK_THAT(blocked.output, Catch::Contains("control_socket: '" + sock + "' exists and is not a socket"));
  CHECK(std::filesystem::exists(sock + "/in-the-way"));
}

TEST_CASE("lodestarctl names an unknown command, takes --json after the command, explains a broken config",
          "[e2e][careless][control][regression]") {
  TempDir dir;
  auto cfg = controlledConfig(dir);
  DaemonProcess d(cfg);
  auto bogus = runCommand(ctlIn(cfg, "bogus"));
  CHECK(bogus.status == 2);
  CHECK_THAT(bogus.output, Catch::Contains("unknown command 'bogus' (known: reload, check"));
  auto json = runCommand(ctlIn(cfg, "status --json"));
  CHECK(json.status == 0);
  CHECK_THAT(json.output, Catch::Contains("\"ok\": true"));
  auto broken = runCommand(ctlIn(dir.write("broken.yaml", "listen: [\n"), "status"));
  CHECK(broken.status == 2);
  CHECK_THAT(broken.output, Catch::Contains("cannot find the control socket: " + dir.path() + "/broken.yaml has the errors above"));
}
