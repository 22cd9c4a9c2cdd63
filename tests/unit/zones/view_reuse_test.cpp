// A load that replaces a view keeps the zones whose files are unchanged (counted, and the
// same objects), compiles the others, and compiles everything when what all zones are
// compiled against changes.
#include <catch2/catch.hpp>

#include <set>
#include <utility>

#include "tests/support/geo_fixture.hpp"
#include "zones/view_loader.hpp"
#include "dns/wire/name_text.hpp"

using namespace lodestar;
using test::TempDir;

namespace {

std::string steeredZone(const std::string& name, const std::string& extra = "") {
  return "zone: " + name + R"(
soa: {serial: auto}
nameservers: {ns1: 192.0.2.1}
checks:
  web: {kind: tcp, port: 80}
regions:
  east: {latitude: 39, longitude: -77}
  west: {latitude: 37, longitude: -122}
pools:
  web:
    check: web
    regions:
      east: [192.0.2.10]
      west: [192.0.2.20, 192.0.2.21]
records:
  www: {steer: {policy: nearest, pool: web, map: {default: [east, west]}}}
  api: {steer: {policy: geo, pool: web, map: {default: [west, east]}}}
)" + extra;
}

struct Loaded {
  std::unique_ptr<zones::View> view;
  std::shared_ptr<zones::AdminCells> admin;
  size_t compiled = 0, kept = 0;
  std::string report;
};

Loaded load(const TempDir& dir, std::shared_ptr<const geo::Database> db, health::Registry* registry,
            const zones::View* previous) {
  yaml::Diagnostics d;
  auto l = zones::loadViewAndAdmin({dir.path() + "/zones"}, std::move(db), d, registry, previous);
  return {std::move(l.view), std::move(l.admin), l.compiled, l.kept, d.report()};
}

const zones::Zone* zoneOf(const zones::View& view, const std::string& apex) {
  for (const auto& z : view.zones())
    if (wire::nameToText(z->apex()) == apex) return z.get();
  return nullptr;
}

// Every counter slot of a view used once: zones by statsSlot, steered records by block.
void checkSlotsDistinct(const zones::View& view) {
  std::set<size_t> zoneSlots, steered;
  for (const auto& z : view.zones()) {
    CHECK(zoneSlots.insert(z->statsSlot()).second);
    for (const auto& r : z->steered()) {
      REQUIRE(r->statsBlock != zones::SteeredRecord::kNoStatsBlock);
      for (size_t i = 0; i < view.regions().size(); ++i) CHECK(steered.insert(r->statsBlock + i).second);
    }
  }
}

}  // namespace

TEST_CASE("a reload keeps the zones whose files are unchanged and compiles only the changed one", "[zones][reuse]") {
  TempDir dir;
  auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
  health::Registry registry;
  dir.write("zones/a.yaml", steeredZone("a.test"));
  dir.write("zones/b.yaml", steeredZone("b.test", "include: b.zone\n"));
  dir.write("zones/b.zone", "static 300 IN A 192.0.2.50\nstatic 600 IN A 192.0.2.51\n");  // a TTL warning
  dir.write("zones/c.yaml", steeredZone("c.test"));

  auto first = load(dir, db, &registry, nullptr);
  INFO(first.report);
  REQUIRE(first.view);
  CHECK(first.compiled == 3);
  CHECK(first.kept == 0);
  CHECK_THAT(first.report, Catch::Contains("b.zone:2:") && Catch::Contains("TTL 600 differs"));
  checkSlotsDistinct(*first.view);

  SECTION("nothing changed: nothing compiled, the same zones, serials and override table, the warnings again") {
    auto again = load(dir, db, &registry, first.view.get());
    INFO(again.report);
    REQUIRE(again.view);
    CHECK(again.compiled == 0);
    CHECK(again.kept == 3);
    for (const char* apex : {"a.test.", "b.test.", "c.test."}) CHECK(zoneOf(*again.view, apex) == zoneOf(*first.view, apex));
    CHECK(again.admin == first.admin);
    CHECK(again.view->adminCells() == first.admin.get());
    CHECK_THAT(again.report, Catch::Contains("TTL 600 differs"));
    // Answers still find every name through the new view's own index.
    CHECK(again.view->findName(std::string_view("\3www\1c\4test\0", 12)));
  }

  SECTION("one policy file changed: only it is compiled; the others keep their objects and counter slots") {
    dir.write("zones/c.yaml", steeredZone("c.test", "  extra: {A: 192.0.2.99}\n"));
    const size_t before = first.admin->endpointCount();
    REQUIRE(before == 9);  // 3 zones of 3 addresses
    auto again = load(dir, db, &registry, first.view.get());
    INFO(again.report);
    REQUIRE(again.view);
    CHECK(again.compiled == 1);
    CHECK(again.kept == 2);
    CHECK(zoneOf(*again.view, "a.test.") == zoneOf(*first.view, "a.test."));
    CHECK(zoneOf(*again.view, "b.test.") == zoneOf(*first.view, "b.test."));
    const zones::Zone* c = zoneOf(*again.view, "c.test.");
    REQUIRE(c);
    CHECK(c != zoneOf(*first.view, "c.test."));
    CHECK(c->find(std::string_view("\5extra\1c\4test\0", 14)));
    CHECK(again.admin == first.admin);  // the new zone's endpoints extend the same table
    // after the slots the kept zones' endpoints hold, which read their forces from it still
    for (const auto& pool : c->pools())
      for (zones::RegionId r : pool->regions)
        for (const auto& e : pool->byRegion[r].ipv4) CHECK(e.id >= before);
    const zones::Zone* a = zoneOf(*again.view, "a.test.");
    for (const auto& pool : a->pools())
      for (zones::RegionId r : pool->regions)
        for (const auto& e : pool->byRegion[r].ipv4) CHECK(e.force == &std::as_const(*again.admin).force(e.id));
    // Its policies are the ones the kept zones use, not compiled again.
    REQUIRE(c->steered().size() == 2);
    CHECK(c->steered()[0]->tree == a->steered()[0]->tree);
    CHECK(zoneOf(*again.view, "a.test.")->statsSlot() == zoneOf(*first.view, "a.test.")->statsSlot());
    checkSlotsDistinct(*again.view);
  }

  SECTION("a load that failed in between changes nothing kept") {
    dir.write("zones/d.yaml", "zone: d.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.300}\n");
    auto failed = load(dir, db, &registry, first.view.get());
    CHECK_FALSE(failed.view);
    REQUIRE(std::remove((dir.path() + "/zones/d.yaml").c_str()) == 0);
    auto again = load(dir, db, &registry, first.view.get());
    INFO(again.report);
    REQUIRE(again.view);
    CHECK(again.compiled == 0);
    CHECK(again.kept == 3);
    CHECK(again.admin == first.admin);
  }

  SECTION("an included zone file changed: the zone that includes it is compiled") {
    dir.write("zones/b.zone", "static 300 IN A 192.0.2.52\n");
    auto again = load(dir, db, &registry, first.view.get());
    INFO(again.report);
    REQUIRE(again.view);
    CHECK(again.compiled == 1);
    CHECK(zoneOf(*again.view, "b.test.") != zoneOf(*first.view, "b.test."));
    CHECK(zoneOf(*again.view, "a.test.") == zoneOf(*first.view, "a.test."));
    CHECK_THAT(again.report, !Catch::Contains("TTL 600 differs"));
  }

  SECTION("a file removed and one added: the removed zone is gone, the new one compiled") {
    REQUIRE(std::remove((dir.path() + "/zones/a.yaml").c_str()) == 0);
    dir.write("zones/d.yaml", steeredZone("d.test"));
    auto again = load(dir, db, &registry, first.view.get());
    INFO(again.report);
    REQUIRE(again.view);
    CHECK(again.compiled == 1);
    CHECK(again.kept == 2);
    CHECK_FALSE(zoneOf(*again.view, "a.test."));
    CHECK(zoneOf(*again.view, "d.test."));
    checkSlotsDistinct(*again.view);
  }

  SECTION("a region changed anywhere: every zone is compiled, in a table of its own") {
    dir.write("zones/e.yaml", "zone: e.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\n"
                              "regions:\n  north: {latitude: 60, longitude: 10}\n");
    auto again = load(dir, db, &registry, first.view.get());
    INFO(again.report);
    REQUIRE(again.view);
    CHECK(again.compiled == 4);
    CHECK(again.kept == 0);
    CHECK(again.admin != first.admin);
  }

  SECTION("another geo database: every zone is compiled") {
    TempDir other;
    auto rows = test::readCsv("geo/test-networks.csv");
    rows.pop_back();
    auto again = load(dir, test::buildDatabase(other, rows), &registry, first.view.get());
    INFO(again.report);
    REQUIRE(again.view);
    CHECK(again.compiled == 3);
    CHECK(again.kept == 0);
  }

  SECTION("another health registry, or none (a check): every zone is compiled") {
    health::Registry other;
    CHECK(load(dir, db, &other, first.view.get()).compiled == 3);
    CHECK(load(dir, db, nullptr, first.view.get()).compiled == 3);
  }
}
