// Summing per-worker counters.
#include "dns/engine/stats.hpp"

namespace lodestar::dns {

void QueryStats::add(const QueryStats& o) noexcept {
  received += o.received;
  dropped += o.dropped;
  truncated += o.truncated;
  withEcs += o.withEcs;
  failOpen += o.failOpen;
  for (size_t i = 0; i < byRcode.size(); ++i) byRcode[i] += o.byRcode[i];
  for (size_t i = 0; i < byQtype.size(); ++i) byQtype[i] += o.byQtype[i];
}

}  // namespace lodestar::dns
