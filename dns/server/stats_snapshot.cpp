// The stats command's result, from summed counters.
#include "dns/server/stats_snapshot.hpp"

#include "dns/wire/constants.hpp"
#include "dns/wire/rr_type.hpp"

namespace lodestar::server {

nlohmann::json statsSnapshot(const StatsInputs& in) {
  const engine::StatsTotals& t = in.totals;
  nlohmann::json rcodes = nlohmann::json::object(), qtypes = nlohmann::json::object(), regions = nlohmann::json::object();
  for (size_t i = 0; i < t.byRcode.size(); ++i)
    if (t.byRcode[i]) rcodes[wire::rcodeName(static_cast<uint16_t>(i))] = t.byRcode[i];
  for (size_t i = 0; i < t.byQtype.size(); ++i)
    if (t.byQtype[i]) qtypes[i + 1 == t.byQtype.size() ? "other" : wire::rrTypeName(static_cast<uint16_t>(i))] = t.byQtype[i];
  nlohmann::json paths = nlohmann::json::object();
  for (size_t i = 0; i < t.byPath.size(); ++i) paths[engine::queryPathName(static_cast<engine::QueryPath>(i))] = t.byPath[i];
  for (size_t i = 0; i + 1 < t.byRegion.size() && i < in.regionNames.size(); ++i) regions[in.regionNames[i]] = 0;
  for (const auto& [name, count] : in.regions.byName(t.byRegion, in.regionNames)) regions[name] = count;
  nlohmann::json j = {{"queries", t.received}, {"by_transport", paths}, {"dropped", t.dropped}, {"truncated", t.truncated}, {"with_ecs", t.withEcs},
                      {"fail_open", t.failOpen}, {"by_rcode", rcodes}, {"by_qtype", qtypes}, {"answers_by_region", regions},
                      {"reloads", in.reloads}, {"failed_reloads", in.failedReloads}, {"health_changes", in.healthChanges},
                      {"probe_local_failures", in.probeLocalFailures}, {"tcp_connections", in.tcpOpen},
                      {"tcp_max_connections", in.tcpCap}};
  if (in.xdp) j["xdp"] = *in.xdp;
  return j;
}

std::vector<std::string> regionNames(const zones::View& view) {
  std::vector<std::string> names;
  for (const auto& r : view.regions()) names.push_back(r.name);
  return names;
}

}  // namespace lodestar::server
