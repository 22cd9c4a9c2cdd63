// Loads the steered test view and draws its health and admin states.
#include "tests/support/steered_view.hpp"

#include <stdexcept>

#include "tests/support/geo_fixture.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::test {

zones::LoadedView steeredView() {
  // The database file may go once loaded: the policies are compiled into the view's trees
  // and the open database keeps its mapping.
  TempDir scratch;
  auto db = buildDatabase(scratch, readCsv("geo/test-networks.csv"), "steered.mmdb");
  yaml::Diagnostics d;
  auto loaded = zones::loadViewAndAdmin(
      {dataPath("e2e/zones"), dataPath("steering/admin.example.yaml"), dataPath("steering/policies.example.yaml")}, db,
      d);
  if (!loaded.view) throw std::runtime_error(d.report());
  return loaded;
}

namespace {
// True with probability percent/100.
bool chance(std::mt19937_64& rng, unsigned percent) { return rng() % 100 < percent; }
}  // namespace

void drawStates(const zones::View& view, zones::AdminCells& admin, std::mt19937_64& rng) {
  static constexpr unsigned kMixes[] = {0, 10, 40, 70, 100};
  const unsigned down = kMixes[rng() % 5], doubt = kMixes[rng() % 4], forced = kMixes[rng() % 3] / 2,
                 drained = kMixes[rng() % 4] / 2;
  zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) {
    health::Observed o = chance(rng, down) ? health::Observed::Down
                         : chance(rng, doubt) ? health::Observed::InDoubt
                                              : health::Observed::Up;
    at.cell->observed.store(o, std::memory_order_relaxed);
    health::Forced f = !chance(rng, forced) ? health::Forced::Auto
                       : rng() % 2       ? health::Forced::Up
                                         : health::Forced::Down;
    admin.force(at.id).forced.store(f, std::memory_order_relaxed);
  });
  for (size_t r = 0; r < view.regions().size(); ++r)
    admin.region(static_cast<zones::RegionId>(r)).drained.store(chance(rng, drained), std::memory_order_relaxed);
}

void clearStates(const zones::View& view, zones::AdminCells& admin) {
  zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) {
    at.cell->observed.store(health::Observed::Up, std::memory_order_relaxed);
    admin.force(at.id).forced.store(health::Forced::Auto, std::memory_order_relaxed);
  });
  for (size_t r = 0; r < view.regions().size(); ++r)
    admin.region(static_cast<zones::RegionId>(r)).drained.store(false, std::memory_order_relaxed);
}

}  // namespace lodestar::test
