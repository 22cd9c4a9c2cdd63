// The stats command's result, from summed counters.
#include "dns/server/stats_snapshot.hpp"

#include "dns/engine/pipeline.hpp"
#include "dns/rrl/rate_limiter.hpp"
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
  // Every name the live view has, from 0, then what was counted (under this view or before).
  for (size_t i = 0; i + 1 < t.byRegion.size() && i < in.names.regions.size(); ++i) regions[in.names.regions[i]] = 0;
  for (const auto& [name, count] : in.tallies.regions.byName(t.byRegion, in.names.regions)) regions[name] = count;
  nlohmann::json zones = nlohmann::json::object();
  for (size_t i = 0; i + 1 < t.byZone.size() && i < in.names.zones.size(); ++i)
    if (!in.names.zones[i].empty()) zones[in.names.zones[i]] = 0;
  for (const auto& [name, count] : in.tallies.zones.byName(t.byZone, in.names.zones)) zones[name] = count;
  nlohmann::json steered = nlohmann::json::object();
  for (size_t i = 0; i + 1 < t.bySteered.size() && i < in.names.steered.size(); ++i)
    if (!in.names.steered[i].empty()) {
      auto [record, region] = splitSteeredKey(in.names.steered[i]);
      steered[record][region] = 0;
    }
  for (const auto& [key, count] : in.tallies.steered.byName(t.bySteered, in.names.steered)) {
    auto [record, region] = splitSteeredKey(key);
    steered[record][region] = count;
  }
  // Per bucket (not cumulative), each bucket's upper bound in nanoseconds; the last has none.
  nlohmann::json time = {{"sampled_every", engine::Pipeline::kTimeEvery}, {"sum_ns", t.answerTimeSumNs},
                         {"buckets", nlohmann::json::array()}};
  for (size_t i = 0; i < t.answerTime.size(); ++i) {
    nlohmann::json b = {{"count", t.answerTime[i]}};
    if (i + 1 < t.answerTime.size()) b["le_ns"] = engine::QueryStats::kTimeBucketBaseNs << i;
    time["buckets"].push_back(b);
  }
  // Response rate limiting, by answer class: answers dropped, and those sent empty with TC=1.
  nlohmann::json limited = nlohmann::json::object(), slipped = nlohmann::json::object();
  for (size_t c = 0; c < rrl::kRateClasses; ++c) {
    limited[rrl::rateClassName(static_cast<rrl::RateClass>(c))] = t.rateLimited[c];
    slipped[rrl::rateClassName(static_cast<rrl::RateClass>(c))] = t.rateSlipped[c];
  }
  nlohmann::json j = {{"queries", t.received}, {"answer_time", time}, {"by_transport", paths}, {"dropped", t.dropped}, {"unsent", t.unsent}, {"truncated", t.truncated}, {"with_ecs", t.withEcs},
                      {"dnssec", {{"cache_hits", t.signatureHits}, {"signatures_made", t.signaturesMade},
                                  {"signing_failures", t.signingFailures}}},
                      {"rate_limit", {{"dropped", limited}, {"slipped", slipped}}},
                      {"cookies", {{"client_only", t.cookies[size_t(engine::CookieState::ClientOnly)]},
                                   {"valid", t.cookies[size_t(engine::CookieState::Valid)]},
                                   {"invalid", t.cookies[size_t(engine::CookieState::Invalid)]},
                                   {"ignored", t.cookies[size_t(engine::CookieState::None)]}}},
                      {"fail_open", t.failOpen}, {"by_rcode", rcodes}, {"by_qtype", qtypes}, {"answers_by_region", regions},
                      {"by_zone", zones}, {"answers_by_record", steered},
                      {"reloads", in.reloads}, {"failed_reloads", in.failedReloads}, {"health_changes", in.healthChanges},
                      {"probe_local_failures", in.probeLocalFailures}, {"tcp_connections", in.tcpOpen},
                      {"tcp_max_connections", in.tcpCap}, {"tcp_refused", in.tcpRefused},
                      {"tcp_evicted", in.tcpEvicted}};
  if (in.xdp) j["xdp"] = *in.xdp;
  return j;
}

}  // namespace lodestar::server
