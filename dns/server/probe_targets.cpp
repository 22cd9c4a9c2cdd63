// Walks the view's pools; the scheduler merges endpoints listed in several pools.
#include "dns/server/probe_targets.hpp"

namespace lodestar::dns {

std::vector<health::ProbeTarget> probeTargets(const zones::View& view) {
  std::vector<health::ProbeTarget> out;
  for (const auto& zone : view.zones()) {
    for (const auto& pool : zone->pools()) {
      if (!pool->check) continue;
      for (zones::RegionId r : pool->regions) {
        const auto& members = pool->byRegion[r];
        std::string where = "region " + view.regions()[r].name + ", pool " + pool->name;
        for (const auto* list : {&members.ipv4, &members.ipv6})
          for (const auto& e : *list) out.push_back({pool->check, e.address.toString(), e.state, where});
        // A CNAME region is probed only where the check names an address to probe.
        if (!members.cname.empty() && !pool->check->address.empty())
          out.push_back({pool->check, pool->check->address, members.cnameState, where});
      }
    }
  }
  return out;
}

}  // namespace lodestar::dns
