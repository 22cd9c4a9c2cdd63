// A published view is never written: applyAdminState sets drains and forced states in the
// view's override table (zones::AdminCells) through the loader's writable handle, and the
// answer path reads them there, while the view's own bytes stay as they were loaded.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "dns/engine/region_choice.hpp"
#include "dns/server/admin_state.hpp"
#include "tests/support/test_view.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;

// Nothing reachable from a const View hands out a writable override.
static_assert(std::is_same_v<decltype(std::declval<const zones::View&>().regionAdmin(0)), const zones::RegionAdmin&>);
static_assert(std::is_same_v<decltype(std::declval<const zones::View&>().adminCells()), const zones::AdminCells*>);
static_assert(std::is_same_v<decltype(zones::Endpoint::force), const health::EndpointForce*>);
static_assert(std::is_same_v<decltype(zones::PoolMembers::cnameForce), const health::EndpointForce*>);
static_assert(std::is_same_v<decltype(zones::PoolMembers::admin), const zones::RegionAdmin*>);
static_assert(std::is_same_v<decltype(zones::EndpointInView::force), const health::EndpointForce&>);
// A const table gives const cells only: the writer needs the non-const handle.
static_assert(std::is_const_v<std::remove_reference_t<decltype(std::declval<const zones::AdminCells&>().force(0))>>);
static_assert(std::is_const_v<std::remove_reference_t<decltype(std::declval<const zones::AdminCells&>().region(0))>>);

namespace {

template <class T>
std::string bytesOf(const T& object) {
  std::string b(sizeof(T), '\0');
  std::memcpy(b.data(), &object, sizeof(T));
  return b;
}

// The object bytes of every region, pool member list and endpoint of the view.
std::string viewBytes(const zones::View& view) {
  std::string all;
  for (const auto& r : view.regions()) all += bytesOf(r);
  for (const auto& zone : view.zones())
    for (const auto& pool : zone->pools())
      for (zones::RegionId r : pool->regions) {
        const zones::PoolMembers& m = pool->byRegion[r];
        all += bytesOf(m);
        for (const auto* list : {&m.ipv4, &m.ipv6})
          for (const auto& e : *list) all += bytesOf(e);
      }
  return all;
}

}  // namespace

TEST_CASE("applyAdminState writes the override table, never the published view", "[server][admin][immutable]") {
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  REQUIRE(loaded.admin);
  const std::shared_ptr<const zones::View> view(std::move(loaded.view));
  REQUIRE(view->adminCells() == loaded.admin.get());
  const std::string before = viewBytes(*view);
  const int64_t now = 1000;

  // Every other region drained; every other endpoint forced, down and up in turn.
  server::AdminState state;
  for (size_t r = 0; r < view->regions().size(); r += 2) state.drained[view->regions()[r].name] = {"test", 0, now};
  size_t n = 0, cnames = 0;
  zones::forEachEndpoint(*view, [&](const zones::EndpointInView& at) {
    cnames += at.endpoint ? 0 : 1;
    if (n++ % 2 == 0) return;
    const std::string& region = view->regions()[at.region].name;
    const auto target = at.endpoint ? server::ForceTarget::ofEndpoint(at.endpoint->address)
                                    : server::ForceTarget::ofPool(region, at.pool.name);
    state.forced[target] = n % 4 == 0 ? health::Forced::Up : health::Forced::Down;
  });
  REQUIRE(n > 4);
  REQUIRE(cnames > 0);  // CNAME regions' targets are endpoints too
  server::applyAdminState(state, *view, *loaded.admin, now);

  CHECK(viewBytes(*view) == before);
  // The answer path sees every override, through the table the view points into.
  const engine::LiveHealth live;
  for (size_t r = 0; r < view->regions().size(); ++r) {
    const bool drained = state.drained.count(view->regions()[r].name) > 0;
    CHECK(view->regionAdmin(static_cast<zones::RegionId>(r)).drained.load() == drained);
    for (const auto& zone : view->zones())
      for (const auto& pool : zone->pools())
        if (const auto* m = pool->members(static_cast<zones::RegionId>(r))) CHECK(live.drained(*m) == drained);
  }
  size_t forced = 0;
  zones::forEachEndpoint(*view, [&](const zones::EndpointInView& at) {
    auto f = server::forceFor(state, at.endpoint ? &at.endpoint->address : nullptr, view->regions()[at.region].name,
                              at.pool.name);
    const health::Forced want = f ? f->state : health::Forced::Auto;
    CHECK(at.force.forced.load() == want);
    if (want == health::Forced::Auto) return;
    ++forced;
    const health::Health h = at.endpoint ? live.endpoint(at.members, *at.endpoint) : live.alias(at.members);
    CHECK(h.up == (want == health::Forced::Up));
  });
  CHECK(forced > 0);

  // Back to no override: still the same bytes, every endpoint follows its probes again.
  server::applyAdminState(server::AdminState{}, *view, *loaded.admin, now);
  CHECK(viewBytes(*view) == before);
  zones::forEachEndpoint(*view, [&](const zones::EndpointInView& at) { CHECK(at.force.forced.load() == health::Forced::Auto); });
  for (size_t r = 0; r < view->regions().size(); ++r)
    CHECK_FALSE(view->regionAdmin(static_cast<zones::RegionId>(r)).drained.load());
}

TEST_CASE("a table that is not the view's own is refused", "[server][admin][immutable]") {
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  zones::AdminCells other;
  other.setRegionCount(loaded.view->regions().size() + 1);
  server::AdminState state;
  state.drained[loaded.view->regions()[0].name] = {"test", 0, 0};
  CHECK_THROWS_AS(server::applyAdminState(state, *loaded.view, other, 0), std::invalid_argument);
  CHECK_FALSE(loaded.view->regionAdmin(0).drained.load());
}
