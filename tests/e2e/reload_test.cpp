// Hot reload under load: SIGHUP swaps views without losing a query or mixing two files.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <thread>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {
const char* kConfig = "listen: [127.0.0.1:0]\nworkers: 2\nzones: [zones/]\n";

std::string zoneText(int version) {
  // Each version answers with two addresses of its own, so a mix of versions shows.
  std::string a = "192.0.2." + std::to_string(version % 250 + 1);
  std::string b = "198.51.100." + std::to_string(version % 250 + 1);
  return "zone: reload.test\nsoa: {serial: " + std::to_string(version + 1) +
         "}\nnameservers: {ns1: 192.0.2.53}\nrecords:\n  www:\n    A: [" + a + ", " + b + "]\n    TXT: v" +
         std::to_string(version) + "\n";
}

std::vector<std::string> expected(int version) {
  return {"www.reload.test. 3600 A 192.0.2." + std::to_string(version % 250 + 1),
          "www.reload.test. 3600 A 198.51.100." + std::to_string(version % 250 + 1)};
}

bool waitFor(DaemonProcess& d, int version) {
  for (int i = 0; i < 200; ++i) {
    auto bytes = d.udp(QueryBuilder().name("www.reload.test.").bytes(), false, std::chrono::milliseconds(500));
    if (bytes) {
      auto a = parseAnswer(*bytes);
      if (a && a->answer == expected(version)) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}
}  // namespace

TEST_CASE("50 reloads under steady queries: nothing lost, every answer from one file", "[e2e][reload]") {
  TempDir dir;
  dir.write("zones/reload.yaml", zoneText(0));
  DaemonProcess d(dir.write("lodestar.yaml", kConfig));

  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, lost{0}, bad{0}, mixed{0};
  std::thread client([&] {
    while (!done.load()) {
      auto bytes = d.udp(QueryBuilder().name("www.reload.test.").bytes(), false, std::chrono::milliseconds(1000));
      if (!bytes) {
        ++lost;
        continue;
      }
      auto a = parseAnswer(*bytes);
      if (!a || a->rcode != 0 || a->answer.size() != 2) {
        ++bad;
        continue;
      }
      // Both records must carry the same version number.
      auto lastOctet = [](const std::string& s) { return s.substr(s.rfind('.') + 1); };
      if (lastOctet(a->answer[0]) != lastOctet(a->answer[1])) ++mixed;
      ++answered;
    }
  });
  for (int version = 1; version <= 50; ++version) {
    dir.write("zones/reload.yaml", zoneText(version));
    kill(d.pid(), SIGHUP);
    REQUIRE(waitFor(d, version));
  }
  done = true;
  client.join();
  INFO(d.log());
  CHECK(answered > 100);
  CHECK(lost == 0);
  CHECK(bad == 0);
  CHECK(mixed == 0);
  CHECK(d.alive());
}

TEST_CASE("a reload with an error changes nothing and logs every error", "[e2e][reload]") {
  TempDir dir;
  dir.write("zones/reload.yaml", zoneText(7));
  DaemonProcess d(dir.write("lodestar.yaml", kConfig));
  REQUIRE(waitFor(d, 7));
  dir.write("zones/reload.yaml", zoneText(8) + "  bad:\n    A: 192.0.2.300\n    MX: [not, valid]\n");
  kill(d.pid(), SIGHUP);
  std::string log;
  for (int i = 0; i < 100 && log.find("reload failed") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log = d.log();
  }
  CHECK_THAT(log, Catch::Contains("reload failed with 3 error(s)"));
  CHECK_THAT(log, Catch::Contains("reload.yaml:9:8: records.bad.A: bad A data '192.0.2.300'"));
  CHECK(d.ask(QueryBuilder().name("www.reload.test.")).answer == expected(7));
  // And a good file afterwards is picked up.
  dir.write("zones/reload.yaml", zoneText(9));
  kill(d.pid(), SIGHUP);
  CHECK(waitFor(d, 9));
}

namespace {
const char* kConfigWithSocket = "listen: [127.0.0.1:0]\nworkers: 1\nzones: [zones/]\ncontrol_socket: run/ctl.sock\n";

CommandResult ctl(const TempDir& dir, const std::string& args) {
  return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + dir.path() + "/lodestar.yaml " + args);
}
}  // namespace

TEST_CASE("lodestarctl reload applies good files and refuses bad ones with line numbers", "[e2e][reload][ctl]") {
  TempDir dir;
  dir.write("zones/reload.yaml", zoneText(1));
  DaemonProcess d(dir.write("lodestar.yaml", kConfigWithSocket));
  CHECK(ctl(dir, "ping").status == 0);

  dir.write("zones/reload.yaml", zoneText(2));
  auto ok = ctl(dir, "reload");
  INFO(ok.output);
  CHECK(ok.status == 0);
  CHECK_THAT(ok.output, Catch::Contains("1 zone(s)"));
  CHECK(d.ask(QueryBuilder().name("www.reload.test.")).answer == expected(2));

  dir.write("zones/reload.yaml", zoneText(3) + "  bad:\n    CNAME: x\n    A: 192.0.2.1\n");
  auto check = ctl(dir, "check");
  CHECK(check.status == 1);
  auto bad = ctl(dir, "reload");
  CHECK(bad.status == 1);
  CHECK_THAT(bad.output, Catch::Contains("reload failed with 1 error(s)"));
  CHECK_THAT(bad.output, Catch::Contains(dir.path() + "/zones/reload.yaml:10:8: CNAME beside other data"));
  CHECK(d.ask(QueryBuilder().name("www.reload.test.")).answer == expected(2));  // unchanged

  auto json = ctl(dir, "--json reload");
  CHECK(json.status == 1);
  CHECK_THAT(json.output, Catch::Contains("\"ok\": false"));
}

TEST_CASE("lodestarctl names the socket when the daemon is not running", "[e2e][ctl]") {
  TempDir dir;
  dir.write("lodestar.yaml", kConfigWithSocket);
  auto r = ctl(dir, "reload");
  CHECK(r.status == 3);
  CHECK_THAT(r.output, Catch::Contains("lodestar is not running (nothing listens on " + dir.path() + "/run/ctl.sock)"));
  CHECK(ctl(dir, "frobnicate").status == 2);
}

TEST_CASE("the control socket refuses garbage and oversize requests and keeps working", "[e2e][ctl]") {
  TempDir dir;
  dir.write("zones/reload.yaml", zoneText(1));
  DaemonProcess d(dir.write("lodestar.yaml", kConfigWithSocket));
  std::string sock = dir.path() + "/run/ctl.sock";
  CHECK(runCommand("stat -c %a " + sock).output == "660\n");
  auto send = [&](const std::string& payload) {
    std::string file = dir.write("payload", payload);
    return runCommand("timeout 5 socat -t 3 - UNIX-CONNECT:" + sock + " < " + file).output;
  };
  CHECK_THAT(send("{not json\n"), Catch::Contains("malformed request"));
  CHECK_THAT(send("[1,2]\n"), Catch::Contains("malformed request"));
  CHECK_THAT(send("{\"version\":9,\"command\":\"reload\"}\n"), Catch::Contains("unsupported protocol version"));
  CHECK_THAT(send("{\"version\":1,\"command\":\"explode\"}\n"), Catch::Contains("unknown command 'explode'"));
  CHECK_THAT(send(std::string(100000, 'x')), Catch::Contains("request larger than 65536 bytes"));
  CHECK(d.alive());
  CHECK(ctl(dir, "ping").status == 0);
}
