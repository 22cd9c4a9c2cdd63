// The view of tests/data/e2e/zones, loaded once per test binary, for in-process engine tests.
#pragma once

#include <memory>
#include <string>

#include "tests/support/daemon_process.hpp"
#include "zones/view.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::test {

const zones::View& e2eView();

/// tests/data/steering/admin.example.yaml (every policy kind) compiled against the test geo
/// database (tests/data/geo/test-networks.csv, built in `scratch`); throws on any error.
/// With the writable handle of its override table, for applyAdminState.
zones::LoadedView everyPolicyView(const TempDir& scratch);

}  // namespace lodestar::test
