// Hot reload under load: SIGHUP swaps views without losing a query or mixing two files.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <thread>

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
