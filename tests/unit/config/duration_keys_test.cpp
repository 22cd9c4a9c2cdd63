// Every time-valued key reads the one duration grammar: "30s" is "30" wherever a TTL or a number of
// seconds is expected, and a bad value gets the same words in the main config, a zone policy file
// and an RFC 1035 zone file (lodestarctl's --for: tests/e2e/admin_test.cpp).
#include <catch2/catch.hpp>

#include "dns/config/server_config.hpp"
#include "dns/wire/duration.hpp"
#include "dns/wire/constants.hpp"
#include "tests/support/daemon_process.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using test::TempDir;

namespace {

const char* kConfigHead = "listen: [127.0.0.1:53]\nzones: []\n";

// A zone with every time-valued key, each written `value` (seconds or the same in units).
std::string zoneText(const std::string& ttl, const std::string& minute, const std::string& steerTtl) {
  return "zone: example.test\n"
         "ttl: " + ttl + "\n"
         "soa: {serial: 1, refresh: " + minute + ", retry: " + minute + ", expire: " + minute + ", minimum: " +
         minute + ", ttl: " + ttl + "}\n"
         "nameservers: {ns1: 192.0.2.1}\n"
         "checks:\n  c: {kind: tcp, port: 80, interval: " + minute + ", timeout: 500ms, recheck: 200ms,\n"
         "       flap_damping: {falls: 3, window: " + minute + ", hold: " + minute + "}}\n"
         "regions: {east: ~, west: ~}\n"
         "pools:\n  web: {check: c, regions: {east: [192.0.2.10], west: [192.0.2.20]}}\n"
         "records:\n"
         "  mail: {ttl: " + ttl + ", A: 192.0.2.25}\n"
         "  www:\n    steer: {policy: failover, pool: web, order: [east, west], ttl: " + steerTtl +
         ", ttl_degraded: " + steerTtl + "}\n";
}

std::shared_ptr<const zones::View> loadZone(TempDir& dir, const std::string& text, std::string& report) {
  yaml::Diagnostics d;
  auto view = zones::loadView({dir.write("z.yaml", text)}, nullptr, d);
  report = d.report();
  return view;
}

std::string grammarError(std::string_view text) {
  std::string error;
  CHECK_FALSE(wire::parseDuration(text, {}, error));
  return error;
}

}  // namespace

TEST_CASE("zone policy files: ttl: 30s is ttl: 30, and every timer takes units", "[config][duration]") {
  TempDir dir;
  std::string plainReport, unitsReport;
  auto plain = loadZone(dir, zoneText("300", "60", "30"), plainReport);
  INFO(plainReport);
  REQUIRE(plain);
  auto units = loadZone(dir, zoneText("5m", "1m", "30s"), unitsReport);
  INFO(unitsReport);
  REQUIRE(units);
  for (const auto* view : {plain.get(), units.get()}) {
    const zones::Zone& zone = *view->zones().at(0);
    CHECK(zone.soa().ttl == 300);
    CHECK(zone.negativeTtl() == 60);
    const zones::Node* mail = zone.find(std::string_view("\4mail\7example\4test\0", 19));
    REQUIRE(mail);
    CHECK(mail->find(wire::rrtype::A)->ttl == 300);
    REQUIRE(zone.steered().size() == 1);
    CHECK(zone.steered()[0]->ttl == 30);
    CHECK(zone.steered()[0]->ttlDegraded == 30);
    const auto& check = zone.steered()[0]->pool->check;
    REQUIRE(check);
    CHECK(check->interval == std::chrono::minutes(1));
    CHECK(check->damping.window == std::chrono::minutes(1));
  }
  // The SOA timers as the wire carries them: refresh, retry, expire, minimum after the names.
  auto timers = [](const zones::Zone& z) { return z.soa().rdata[0].substr(z.soa().rdata[0].size() - 16); };
  CHECK(timers(*plain->zones()[0]) == timers(*units->zones()[0]));
}

TEST_CASE("a TTL is whole seconds and at most 2^31-1 (RFC 2181), however it is written", "[config][duration]") {
  TempDir dir;
  std::string report;
  CHECK_FALSE(loadZone(dir, zoneText("1500ms", "60", "30"), report));
  CHECK_THAT(report, Catch::Contains("z.yaml:2:6: ttl: 1500ms is not a whole number of seconds"));
  CHECK_FALSE(loadZone(dir, zoneText("300", "60", "3551w"), report));
  CHECK_THAT(report, Catch::Contains("records.www.steer.ttl: 3551w is out of range [0s, 2147483647s]"));
  CHECK_FALSE(loadZone(dir, zoneText("300", "999999999999999h", "30"), report));
  CHECK_THAT(report, Catch::Contains("checks.c.interval: 999999999999999h is out of range [100ms, 52w]"));
}

TEST_CASE("RFC 1035 zone files: $TTL reads the same grammar, BIND's upper-case units included", "[config][duration]") {
  TempDir dir;
  for (const char* ttl : {"90", "90s", "1m30s", "1M30S"}) {
    INFO(ttl);
    dir.write("z.zone", std::string("$TTL ") + ttl + "\nhost A 192.0.2.9\n");
    std::string report;
    auto view = loadZone(dir, "zone: example.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\ninclude: z.zone\n",
                         report);
    INFO(report);
    REQUIRE(view);
    const zones::Node* host = view->zones()[0]->find(std::string_view("\4host\7example\4test\0", 19));
    REQUIRE(host);
    CHECK(host->find(wire::rrtype::A)->ttl == 90);
  }
}

TEST_CASE("a bad duration gets the same words in the config, a zone policy file and a zone file",
          "[config][duration]") {
  TempDir dir;
  const std::string words = grammarError("10x");
  CHECK_THAT(words, Catch::StartsWith("expected a duration such as 500ms"));

  yaml::Diagnostics configDiags;
  CHECK_FALSE(config::loadServerConfig(dir.write("l.yaml", std::string(kConfigHead) + "tcp: {idle_timeout: 10x}\n"),
                                       configDiags));
  CHECK_THAT(configDiags.report(), Catch::Contains("l.yaml:3:21: tcp.idle_timeout: " + words));

  std::string zoneReport;
  CHECK_FALSE(loadZone(dir, zoneText("10x", "60", "30"), zoneReport));
  CHECK_THAT(zoneReport, Catch::Contains("z.yaml:2:6: ttl: " + words));
  CHECK_FALSE(loadZone(dir, zoneText("300", "60", "10x"), zoneReport));
  CHECK_THAT(zoneReport, Catch::Contains("records.www.steer.ttl: " + words));

  dir.write("z.zone", "$TTL 10x\nhost A 192.0.2.9\n");
  CHECK_FALSE(loadZone(dir, "zone: example.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\ninclude: z.zone\n",
                       zoneReport));
  CHECK_THAT(zoneReport, Catch::Contains("z.zone:1:1: $TTL: " + words));
}

TEST_CASE("main config durations take every unit and refuse overflow", "[config][duration]") {
  TempDir dir;
  yaml::Diagnostics d;
  auto c = config::loadServerConfig(
      dir.write("l.yaml", std::string(kConfigHead) +
                              "tcp: {idle_timeout: 1m30s}\nhooks: [{exec: [/bin/true], timeout: 2S}]\n"
                              "cluster: {etcd: [http://e:2379], node: n, lease: 1M, grace: 1h}\n"),
      d);
  INFO(d.report());
  REQUIRE(c);
  CHECK(c->tcpIdleTimeout == std::chrono::seconds(90));
  CHECK(c->hooks.at(0).timeout == std::chrono::seconds(2));
  CHECK(c->cluster->lease == std::chrono::minutes(1));
  CHECK(c->cluster->grace == std::chrono::hours(1));
  yaml::Diagnostics bad;
  CHECK_FALSE(config::loadServerConfig(
      dir.write("b.yaml", std::string(kConfigHead) + "tcp: {idle_timeout: 99999999999999999999ms}\n"), bad));
  CHECK_THAT(bad.report(), Catch::Contains("tcp.idle_timeout: 99999999999999999999ms is out of range [0s, 52w]"));
}
