// Loads the end-to-end test zones without a geo database.
#include "tests/support/test_view.hpp"

#include <stdexcept>

#include "tests/support/daemon_process.hpp"
#include "tests/support/geo_fixture.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::test {

const zones::View& e2eView() {
  static std::unique_ptr<zones::View> view = [] {
    yaml::Diagnostics d;
    auto v = zones::loadView({dataPath("e2e/zones")}, nullptr, d);
    if (!v) throw std::runtime_error(d.report());
    return v;
  }();
  return *view;
}

zones::LoadedView everyPolicyView(const TempDir& scratch) {
  auto db = buildDatabase(scratch, readCsv("geo/test-networks.csv"), "every-policy.mmdb");
  yaml::Diagnostics d;
  auto loaded = zones::loadViewAndAdmin({dataPath("steering/admin.example.yaml")}, db, d);
  if (!loaded.view) throw std::runtime_error(d.report());
  return loaded;
}

}  // namespace lodestar::test
