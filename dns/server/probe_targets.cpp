// Walks the view's pools; the scheduler merges endpoints listed in several pools.
#include "dns/server/probe_targets.hpp"

namespace lodestar::server {

std::vector<health::ProbeTarget> probeTargets(const zones::View& view, bool clustered) {
  std::vector<health::ProbeTarget> out;
  zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) {
    if (!at.pool.check) return;
    std::string where = "region " + view.regions()[at.region].name + ", pool " + at.pool.name;
    const bool shared = clustered && at.pool.check->consensus != health::Consensus::Local;
    if (at.endpoint) out.push_back({at.pool.check, at.endpoint->address.toString(), at.cell, where, shared});
    // A CNAME region is probed only where the check names an address to probe.
    else if (!at.pool.check->address.empty())
      out.push_back({at.pool.check, at.pool.check->address, at.cell, where, shared});
  });
  return out;
}

}  // namespace lodestar::server
