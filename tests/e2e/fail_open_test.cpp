// Loud fail-open (issue 25 item 7): a record whose every region is down or forced down says so
// once on entering and once on leaving, in the log and to the hooks, and status lists it first;
// a record that flaps cannot flood the log.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/occurrences.hpp"
#include "tests/support/recording_hook.hpp"
#include "tests/support/until.hpp"

using namespace lodestar::test;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kIn = "fail-open: www.fo.test. has no usable region";
const std::string kOut = "fail-open: www.fo.test. has a usable region again";

// www fails over from region a (127.0.5.1) to b (127.0.5.2), both checked over TCP; an exec
// hook records its arguments and the event.
struct FailOpenSite {
  TempDir dir;
  uint16_t port = freePort();
  std::string cfg;
  std::unique_ptr<Backend> a, b;
  std::unique_ptr<DaemonProcess> daemon;

  FailOpenSite() {
    a = std::make_unique<Backend>(std::vector<std::string>{"127.0.5.1"}, port);
    b = std::make_unique<Backend>(std::vector<std::string>{"127.0.5.2"}, port);
    dir.write("zones/fo.yaml", "zone: fo.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n"
                               "checks:\n  c: {kind: tcp, port: " + std::to_string(port) +
                                   ", interval: 300ms, timeout: 100ms, fall: 1, rise: 1, recheck: 50ms}\n"
                                   "regions: {a: ~, b: ~}\n"
                                   "pools:\n  p: {check: c, regions: {a: [127.0.5.1], b: [127.0.5.2]}}\n"
                                   "records:\n  www: {steer: {policy: failover, pool: p, order: [a, b]}}\n");
    cfg = writeRecordingHookConfig(dir);
    daemon = std::make_unique<DaemonProcess>(cfg);
  }
  CommandResult ctl(const std::string& args) { return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + cfg + " " + args); }
  nlohmann::json failOpen() {
    auto j = nlohmann::json::parse(ctl("status --json").output, nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j["result"].value("fail_open", nlohmann::json());
  }
  std::string calls() { return readFile(dir.path() + "/calls"); }
  std::string events() { return readFile(dir.path() + "/events"); }
};

}  // namespace

TEST_CASE("a record whose regions all fail their probes is told once in, once out, to the log, hooks and status",
          "[e2e][fail-open]") {
  FailOpenSite site;
  REQUIRE(until([&] { return site.failOpen().is_array(); }));
  CHECK(site.failOpen().empty());

  site.a->stop();
  REQUIRE(until([&] { return site.daemon->log().find("endpoint=127.0.5.1 up -> down") != std::string::npos; }));
  CHECK(site.daemon->log().find(kIn) == std::string::npos);  // b still serves
  site.b->stop();
  REQUIRE(until([&] { return site.daemon->log().find(kIn) != std::string::npos; }));
  CHECK_THAT(site.daemon->log(), Catch::Contains(kIn + " for every client"));

  // The hook: argv (record, from, to) and the event.
  REQUIRE(until([&] { return site.calls().find("www.fo.test. serving fail-open") != std::string::npos; }));
  CHECK_THAT(site.events(), Catch::Contains("\"event\":\"fail_open\"") && Catch::Contains("\"record\":\"www.fo.test.\""));

  // Status: in JSON, and first in the printed form.
  auto records = site.failOpen();
  REQUIRE(records.size() == 1);
  CHECK(records[0]["record"] == "www.fo.test.");
  CHECK(records[0]["clients"] == nlohmann::json::array({"every client"}));
  CHECK(records[0]["since"].get<int64_t>() > 0);
  auto printed = site.ctl("status").output;
  CHECK(printed.rfind("FAIL-OPEN: www.fo.test. has no usable region for every client since ", 0) == 0);
  // The counters metrics will export.
  auto stats = nlohmann::json::parse(site.ctl("stats --json").output, nullptr, false);
  REQUIRE(!stats.is_discarded());
  CHECK(stats["result"]["fail_open_records"] == 1);
  CHECK(stats["result"]["fail_open_entered"] == 1);

  // b comes back: one line out, the hook again, status empty.
  site.b = std::make_unique<Backend>(std::vector<std::string>{"127.0.5.2"}, site.port);
  REQUIRE(until([&] { return site.daemon->log().find(kOut) != std::string::npos; }));
  REQUIRE(until([&] { return site.calls().find("www.fo.test. fail-open serving") != std::string::npos; }));
  CHECK(site.failOpen().empty());
  CHECK(site.ctl("status").output.find("FAIL-OPEN") == std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a few ticks: nothing said twice
  CHECK(count(site.daemon->log(), kIn) == 1);
  CHECK(count(site.daemon->log(), kOut) == 1);
  CHECK(count(site.calls(), "www.fo.test. serving fail-open") == 1);
  CHECK(count(site.calls(), "www.fo.test. fail-open serving") == 1);
}

TEST_CASE("forced fail-open is told, and a flapping record cannot flood the log", "[e2e][fail-open]") {
  FailOpenSite site;
  REQUIRE(until([&] { return site.failOpen().is_array(); }));
  REQUIRE(site.ctl("force-down a").status == 0);
  // The safety rule refuses the second; --force does it and the record fails open.
  CHECK(site.ctl("force-down b").status == 1);
  REQUIRE(site.ctl("force-down b --force").status == 0);
  REQUIRE(until([&] { return site.daemon->log().find(kIn) != std::string::npos; }));
  CHECK(site.failOpen().size() == 1);
  REQUIRE(site.ctl("auto b").status == 0);
  REQUIRE(until([&] { return site.daemon->log().find(kOut) != std::string::npos; }));
  CHECK(site.failOpen().empty());

  // Eight more changes at once: at most the burst's four lines in all, and the state told last
  // is the true one (serving).
  for (int i = 0; i < 4; ++i) {
    REQUIRE(site.ctl("force-down b --force").status == 0);
    REQUIRE(site.ctl("auto b").status == 0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto log = site.daemon->log();
  CHECK(count(log, kIn) + count(log, kOut) <= 4);
  CHECK(count(log, kIn) == count(log, kOut));
  CHECK(site.failOpen().empty());
}
