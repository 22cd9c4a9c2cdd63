// Availability's three shares of a pool's time in a region: serving, planned (drained) and
// unplanned (not drained, nothing serving), sampled once a second with the clock passed in.
#include <catch2/catch.hpp>

#include "dns/server/admin_state.hpp"
#include "dns/server/availability.hpp"
#include "tests/support/test_view.hpp"

using namespace lodestar;

TEST_CASE("availability: a drain is planned time, an outage unplanned, and the three make the whole",
          "[server][availability][regression]") {
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  const zones::View& view = *loaded.view;
  // A pool in two regions: the first one drained, then every endpoint down.
  const zones::Pool* pool = nullptr;
  for (const auto& p : view.zones()[0]->pools())
    if (!pool && p->regions.size() >= 2) pool = p.get();
  REQUIRE(pool);
  const std::string drained = view.regions()[pool->regions[0]].name, other = view.regions()[pool->regions[1]].name;
  auto observe = [&](health::Observed o) {
    zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) { at.cell->observed.store(o); });
  };

  server::Availability a;
  const int64_t start = 1'800'000'000;  // the start of a minute
  int64_t now = start;
  observe(health::Observed::Up);
  server::applyAdminState({}, view, *loaded.admin, now);
  for (int i = 0; i < 10; ++i) a.sample(view, now++);  // serving
  server::AdminState state;
  state.drained[drained] = {"upgrade", 0, now};
  server::applyAdminState(state, view, *loaded.admin, now);
  for (int i = 0; i < 10; ++i) a.sample(view, now++);  // drained: planned
  server::applyAdminState({}, view, *loaded.admin, now);
  observe(health::Observed::Down);
  for (int i = 0; i < 10; ++i) a.sample(view, now++);  // every endpoint down: unplanned

  auto d = a.of(drained, pool->name, now);
  REQUIRE(d);
  CHECK(d->sampledSeconds == 30);
  CHECK(d->lastHour == Approx(100.0 / 3));
  CHECK(d->plannedLastHour == Approx(100.0 / 3));
  CHECK(d->unplannedLastHour == Approx(100.0 / 3));
  CHECK(d->plannedLastDay == Approx(d->plannedLastHour));
  CHECK(d->unplannedLastDay == Approx(d->unplannedLastHour));
  auto o = a.of(other, pool->name, now);
  REQUIRE(o);
  CHECK(o->lastHour == Approx(200.0 / 3));
  CHECK(o->plannedLastHour == 0);
  CHECK(o->unplannedLastHour == Approx(100.0 / 3));
  CHECK(o->lastHour + o->plannedLastHour + o->unplannedLastHour == Approx(100));
}
