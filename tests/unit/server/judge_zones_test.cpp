// After a reload that kept most zones, the watchers judge only the zones it added and removed
// (evaluateZones): what they then hold and tell is what a judgement of the whole view gives.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "dns/server/fail_open_watch.hpp"
#include "dns/server/region_watch.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using server::AdminState;

namespace {

constexpr int64_t kNow = 1'800'000'000;

std::string zoneText(const std::string& apex, const std::string& lone) {
  return "zone: " + apex + R"(
soa: {serial: 1}
nameservers: {ns1: 192.0.2.53}
regions:
  a: {latitude: 10, longitude: 10}
  b: {latitude: 20, longitude: 20}
pools:
  web:
    regions:
      a: [192.0.2.1]
      b: [192.0.2.2]
  onlyb:
    regions:
      b: [192.0.2.3]
records:
  www: {steer: {policy: failover, pool: web, order: [a, b]}}
  )" + lone + R"(: {steer: {policy: failover, pool: onlyb, order: [b]}}
)";
}

struct Watchers {
  std::vector<std::string> events;
  server::FailOpenWatch failOpen{[this](const health::HookEvent& e) { events.push_back(e.json); }};
  server::RegionWatch regions{[this](const health::HookEvent& e) { events.push_back(e.json); }};
};

std::vector<std::string> rows(const server::RegionWatch& w) {
  std::vector<std::string> out;
  for (const auto& r : w.rows()) out.push_back(r.record + " " + r.region + (r.up ? " up" : " down"));
  return out;
}

}  // namespace

TEST_CASE("judging only the zones a reload added and removed agrees with judging the whole view",
          "[server][fail-open][region-watch]") {
  test::TempDir dir;
  for (const char* z : {"a", "b", "c"}) dir.write(std::string("zones/") + z + ".yaml", zoneText(std::string(z) + ".test", "lone"));
  health::Registry registry;
  yaml::Diagnostics d1;
  auto v1 = zones::loadViewAndAdmin({dir.path() + "/zones"}, nullptr, d1, &registry, nullptr);
  INFO(d1.report());
  REQUIRE(v1.view);
  AdminState drainB;
  drainB.drained["b"] = {"test", 0, kNow};

  Watchers incremental, whole;
  for (auto* w : {&incremental, &whole}) {
    w->failOpen.evaluate(*v1.view, 1, drainB, kNow);
    w->regions.evaluate(*v1.view, drainB, kNow);
  }
  REQUIRE(incremental.failOpen.failingOpen() == 3);  // every 'lone' has only region b
  REQUIRE(incremental.failOpen.settled());
  REQUIRE(incremental.regions.settled());

  // c's 'lone' becomes 'lone2': a record leaves fail-open by going away, another enters.
  dir.write("zones/c.yaml", zoneText("c.test", "lone2"));
  yaml::Diagnostics d2;
  auto v2 = zones::loadViewAndAdmin({dir.path() + "/zones"}, nullptr, d2, &registry, v1.view.get());
  INFO(d2.report());
  REQUIRE(v2.view);
  REQUIRE(v2.compiled == 1);
  std::vector<const zones::Zone*> added, removed;
  for (const auto& z : v2.view->zones())
    if (z != v1.view->zones()[0] && z != v1.view->zones()[1]) added.push_back(z.get());
  removed.push_back(v1.view->zones()[2].get());
  REQUIRE(added.size() == 1);

  incremental.events.clear();
  whole.events.clear();
  incremental.failOpen.evaluateZones(*v2.view, 2, added, removed, drainB, kNow + 5);
  incremental.regions.evaluateZones(*v2.view, added, removed, drainB, kNow + 5);
  whole.failOpen.evaluate(*v2.view, 2, drainB, kNow + 5);
  whole.regions.evaluate(*v2.view, drainB, kNow + 5);

  CHECK(incremental.events == whole.events);
  CHECK(incremental.events.size() == 2);  // lone.c.test. serves (gone), lone2.c.test. fails open
  CHECK(incremental.failOpen.records() == whole.failOpen.records());
  CHECK(incremental.failOpen.failingOpen() == 3);
  CHECK(rows(incremental.regions) == rows(whole.regions));
  CHECK(incremental.regions.rows().size() == 3 * 2 + 3);  // www in a and b, lone(2) in b, per zone
  CHECK(incremental.failOpen.settled());
  CHECK(incremental.regions.settled());

  // A reload that kept every zone: nothing to judge, nothing told, nothing changed.
  incremental.events.clear();
  incremental.failOpen.evaluateZones(*v2.view, 3, {}, {}, drainB, kNow + 6);
  incremental.regions.evaluateZones(*v2.view, {}, {}, drainB, kNow + 6);
  CHECK(incremental.events.empty());
  CHECK(incremental.failOpen.failingOpen() == 3);
  CHECK(rows(incremental.regions) == rows(whole.regions));
}
