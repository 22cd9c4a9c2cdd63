// Summing per-worker counters.
#include "dns/engine/stats.hpp"

namespace lodestar::engine {

void StatsTotals::add(const QueryStats& s) noexcept {
  received += s.received.value();
  dropped += s.dropped.value();
  truncated += s.truncated.value();
  withEcs += s.withEcs.value();
  failOpen += s.failOpen.value();
  for (size_t i = 0; i < byRcode.size(); ++i) byRcode[i] += s.byRcode[i].value();
  for (size_t i = 0; i < byQtype.size(); ++i) byQtype[i] += s.byQtype[i].value();
  for (size_t i = 0; i < byRegion.size(); ++i) byRegion[i] += s.byRegion[i].value();
}

}  // namespace lodestar::engine
