// Summing per-worker counters.
#include "dns/engine/stats.hpp"

namespace lodestar::engine {

const char* queryPathName(QueryPath path) noexcept {
  switch (path) {
    case QueryPath::Udp: return "udp";
    case QueryPath::Tcp: return "tcp";
    case QueryPath::Xdp: return "xdp";
  }
  return "?";
}

void StatsTotals::add(const QueryStats& s, QueryPath path) noexcept {
  const uint64_t got = s.received.value();
  received += got;
  byPath[static_cast<size_t>(path)] += got;
  dropped += s.dropped.value();
  truncated += s.truncated.value();
  withEcs += s.withEcs.value();
  failOpen += s.failOpen.value();
  for (size_t i = 0; i < byRcode.size(); ++i) byRcode[i] += s.byRcode[i].value();
  for (size_t i = 0; i < byQtype.size(); ++i) byQtype[i] += s.byQtype[i].value();
  for (size_t i = 0; i < byRegion.size(); ++i) byRegion[i] += s.byRegion[i].value();
}

}  // namespace lodestar::engine
