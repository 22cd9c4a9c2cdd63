// `lodestarctl stats` (and, next, metrics): the daemon's counters as one plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/engine/stats.hpp"
#include "dns/server/slot_tally.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

struct StatsInputs {
  const engine::StatsTotals& totals;           // every worker's and the XDP path's, summed
  const Tallies& tallies;    // answers by region, queries by zone, answers by record and region: across reloads
  const SlotNames& names;    // what the live view's slots stand for
  uint64_t reloads = 0, failedReloads = 0, healthChanges = 0;
  const nlohmann::json* xdp = nullptr;  // the XDP path's status, when it is configured
  uint64_t probeLocalFailures = 0;      // probes that failed on this machine (not held against endpoints)
  unsigned tcpOpen = 0, tcpCap = 0;     // TCP connections open over all workers, and the cap
  uint64_t tcpRefused = 0, tcpEvicted = 0;  // closed at once for want of a slot; closed to make one
};

/// The `stats` command's result (docs/control-protocol.md).
nlohmann::json statsSnapshot(const StatsInputs& in);

}  // namespace lodestar::server
