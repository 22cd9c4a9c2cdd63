// A reload compiles only the zone policy files that changed: one file edited among hundreds
// is the only one compiled (the daemon's count, not a time), nothing changed compiles
// nothing, and queries to the other zones are all answered throughout.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/occurrences.hpp"

using namespace lodestar::test;

namespace {
const char* kConfig = "listen: [127.0.0.1:0]\nworkers: 2\nzones: [zones/]\n";
constexpr int kZones = 300;

std::string zoneText(int zone, int version) {
  const std::string regions = zone == 0 ? "regions:\n  east: {latitude: 39, longitude: -77}\n"
                                          "  west: {latitude: 37, longitude: -122}\n"
                                        : "";
  return "zone: z" + std::to_string(zone) + ".test\nsoa: {serial: " + std::to_string(version + 1) +
         "}\nnameservers: {ns1: 192.0.2.53}\n" + regions +
         "pools:\n  web:\n    regions:\n      east: [192.0.2.1]\n      west: [192.0.2.2]\n"
         "records:\n  www:\n    steer: {policy: failover, pool: web, order: [east, west]}\n"
         "  static:\n    A: 198.51.100." + std::to_string(version % 250 + 1) + "\n";
}

std::string firstAddress(DaemonProcess& d, const std::string& name, int zone) {
  auto bytes = d.udp(QueryBuilder().name(name + ".z" + std::to_string(zone) + ".test.").bytes(), false,
                     std::chrono::milliseconds(1000));
  if (!bytes) return "lost";
  auto a = parseAnswer(*bytes);
  if (!a || a->rcode != 0 || a->answer.size() != 1) return "bad";
  return a->answer[0].substr(a->answer[0].rfind(' ') + 1);
}

// Waits for the n-th "reloaded:" line of the log and returns the log.
std::string afterReload(DaemonProcess& d, size_t n) {
  for (int i = 0; i < 1000; ++i) {
    std::string log = d.log();
    if (count(log, "reloaded: ") >= n || count(log, "reload failed") > 0) return log;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return d.log();
}
}  // namespace

TEST_CASE("a reload among hundreds of zones compiles only the edited file and no query to the others goes unanswered",
          "[e2e][reload]") {
  TempDir dir;
  for (int z = 0; z < kZones; ++z) dir.write("zones/z" + std::to_string(z) + ".yaml", zoneText(z, 0));
  DaemonProcess d(dir.write("lodestar.yaml", kConfig));
  REQUIRE(firstAddress(d, "static", 1) == "198.51.100.1");

  // Zones 100 to 299 are never edited: asked round and round until the edits are done.
  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, unanswered{0};
  struct Joined {  // a failed REQUIRE leaves the section with the client still asking
    std::atomic<bool>& done;
    std::thread thread;
    ~Joined() {
      done = true;
      if (thread.joinable()) thread.join();
    }
  } client{done, std::thread([&] {
    for (int i = 0; !done.load() && i < 200000; ++i) {
      // The static name and the steered one (failover: east first) of a zone never edited.
      const int zone = 100 + i % 200;
      const bool right = i % 2 ? firstAddress(d, "static", zone) == "198.51.100.1" : firstAddress(d, "www", zone) == "192.0.2.1";
      if (right) ++answered;
      else ++unanswered;  // Catch's messages are not for other threads: counted only
    }
  })};

  SECTION("each edit compiles that one file; nothing edited compiles nothing") {
    size_t reloads = 0;
    for (int edit = 1; edit <= 10; ++edit) {
      const int zone = edit * 7;
      dir.write("zones/z" + std::to_string(zone) + ".yaml", zoneText(zone, edit));
      kill(d.pid(), SIGHUP);
      const std::string log = afterReload(d, ++reloads);
      INFO(log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
      CHECK(count(log, "1 zone policy file(s) compiled, " + std::to_string(kZones - 1) + " unchanged and kept") ==
            reloads);
      CHECK(firstAddress(d, "static", zone) == "198.51.100." + std::to_string(edit + 1));
    }
    kill(d.pid(), SIGHUP);
    const std::string log = afterReload(d, ++reloads);
    INFO(log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
    CHECK(count(log, "0 zone policy file(s) compiled, " + std::to_string(kZones) + " unchanged and kept") == 1);
  }

  SECTION("a region changed in one file: every file is compiled, and answers stay") {
    std::string text = zoneText(0, 0);
    text.replace(text.find("west: {latitude: 37"), 19, "west: {latitude: 38");
    dir.write("zones/z0.yaml", text);
    kill(d.pid(), SIGHUP);
    const std::string log = afterReload(d, 1);
    INFO(log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
    CHECK(count(log, std::to_string(kZones) + " zone policy file(s) compiled, 0 unchanged and kept") == 1);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  done = true;
  client.thread.join();
  CHECK(answered > 100);
  CHECK(unanswered == 0);
}

TEST_CASE("a reload that removes a zone nested in a kept one judges the kept one's records again", "[e2e][reload][fail-open]") {
  // par.test and eu.par.test both have api.eu.par.test. (the nested zone's answers): it fails
  // open in both when region a is drained. Removing the nested zone leaves the parent's
  // record answering, still failing open: no "usable region again" may be told.
  TempDir dir;
  const std::string body = "regions: {a: ~, b: ~}\npools:\n  p: {regions: {a: [192.0.2.1]}}\n  q: {regions: {b: [192.0.2.2]}}\n";
  dir.write("zones/par.yaml", "zone: par.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.53}\n" + body +
                                  "records:\n  api.eu: {steer: {policy: failover, pool: p, order: [a]}}\n"
                                  "  other: {steer: {policy: failover, pool: q, order: [b]}}\n");
  dir.write("zones/eu.yaml", "zone: eu.par.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.53}\n" + body +
                                 "records:\n  api: {steer: {policy: failover, pool: p, order: [a]}}\n");
  const std::string cfg = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nstate_dir: state\n"
                                                     "control_socket: state/ctl.sock\n");
  DaemonProcess d(cfg);
  auto ctl = [&](const std::string& args) { return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + cfg + " " + args); };
  const std::string in = "fail-open: api.eu.par.test. has no usable region";
  const std::string out = "fail-open: api.eu.par.test. has a usable region again";
  REQUIRE(ctl("drain a --force --reason test").status == 0);
  bool entered = false;
  for (int i = 0; i < 300 && !entered; ++i) {
    entered = count(d.log(), in) == 1;
    if (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(entered);
  REQUIRE(std::remove((dir.path() + "/zones/eu.yaml").c_str()) == 0);
  auto reloaded = ctl("reload");
  INFO(reloaded.output);
  REQUIRE(reloaded.status == 0);
  CHECK_THAT(reloaded.output, Catch::Contains("0 zone policy file(s) compiled, 1 unchanged and kept"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the judgement after it, and a tick
  const std::string log = d.log();
  INFO(log);
  CHECK(count(log, out) == 0);
  CHECK(count(log, in) == 1);
  CHECK_THAT(ctl("status --json").output, Catch::Contains("api.eu.par.test."));
}

TEST_CASE("an endpoint a reload removed comes back with fresh health, not the health it had", "[e2e][reload][probes]") {
  // 127.0.6.1 is down (nothing listens) when its zone is removed; when the zone comes back its
  // backend is up. A fresh cell starts up; the old one, had it outlived the removal, would
  // need `rise` probes (10 x 300 ms) to come up.
  TempDir dir;
  const uint16_t port = freePort();
  const std::string zone = "zone: cr.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.53}\n"
                           "checks:\n  c: {kind: tcp, port: " + std::to_string(port) +
                           ", interval: 300ms, timeout: 100ms, fall: 1, rise: 10, recheck: 300ms}\n"
                           "regions: {a: ~, b: ~}\n"
                           "pools:\n  p: {check: c, regions: {a: [127.0.6.1], b: [127.0.6.2]}}\n"
                           "records:\n  www: {steer: {policy: failover, pool: p, order: [a, b]}}\n";
  dir.write("zones/cr.yaml", zone);
  dir.write("zones/other.yaml", "zone: other.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.53}\n");
  const std::string cfg = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nzones: [zones/]\nstate_dir: state\n"
                                                     "control_socket: state/ctl.sock\n");
  Backend b({"127.0.6.2"}, port);
  DaemonProcess d(cfg);
  auto ctl = [&](const std::string& args) { return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + cfg + " " + args); };
  auto first = [&] {
    auto bytes = d.udp(QueryBuilder().name("www.cr.test.").bytes(), false, std::chrono::milliseconds(1000));
    auto a = bytes ? parseAnswer(*bytes) : std::nullopt;
    return a && !a->answer.empty() ? a->answer[0].substr(a->answer[0].rfind(' ') + 1) : std::string("none");
  };
  bool down = false;  // a's endpoint down: b answers
  for (int i = 0; i < 300 && !down; ++i) {
    down = first() == "127.0.6.2";
    if (!down) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(down);

  REQUIRE(std::remove((dir.path() + "/zones/cr.yaml").c_str()) == 0);
  REQUIRE(ctl("reload").status == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the judgement after it, and a tick

  Backend a({"127.0.6.1"}, port);
  dir.write("zones/cr.yaml", zone);
  auto back = ctl("reload");
  INFO(back.output);
  REQUIRE(back.status == 0);
  std::string got;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500) && (got = first()) != "127.0.6.1")
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  INFO(d.log());
  CHECK(got == "127.0.6.1");
}
