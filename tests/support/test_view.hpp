// The view of tests/data/e2e/zones, loaded once per test binary, for in-process engine tests.
#pragma once

#include "zones/view.hpp"

namespace lodestar::test {

const zones::View& e2eView();

}  // namespace lodestar::test
