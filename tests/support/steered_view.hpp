// The view the in-process property tests answer from (the allocation test, the query fuzzer):
// static and steered data side by side, and the health and admin states they change.
#pragma once

#include <cstdint>
#include <memory>
#include <random>

#include "zones/admin_cells.hpp"
#include "zones/view.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::test {

/// tests/data/e2e/zones (static sets, CNAME chains, a delegation, an answer too big for UDP)
/// and tests/data/steering/{admin,policies}.example.yaml (every policy kind, CNAME pools,
/// min_healthy, all_down: nodata, endpoint weights), compiled against the geo database of
/// tests/data/geo/test-networks.csv, with the writable handle of its override table. Throws
/// on any load error.
zones::LoadedView steeredView();

/// Draws every health state of `view` from `rng`: the probes' state of each cell, the force
/// of each endpoint (address or CNAME target) and each region's drain. The mix itself is drawn
/// too, so successive calls go from all up through some down to all down.
/// The one place tests write states, so the one edit when their home moves.
void drawStates(const zones::View& view, zones::AdminCells& admin, std::mt19937_64& rng);

/// Every cell up, no force, no drain.
void clearStates(const zones::View& view, zones::AdminCells& admin);

/// Client addresses the test geo database places in different areas (and some it does not know).
inline constexpr const char* kClientAddresses[] = {
    "10.1.0.5",    "10.2.0.5",  "10.3.0.5",      "10.4.0.5",      "10.4.200.1", "10.5.1.9",
    "10.6.0.1",    "10.7.0.1",  "10.8.0.1",      "10.9.0.1",      "192.0.2.1",  "2001:db8:1::1",
    "2001:db8:2::1", "::1"};

}  // namespace lodestar::test
