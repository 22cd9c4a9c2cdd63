#include "dns/server/drill.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "dns/engine/answer.hpp"
#include "dns/server/admin_rules.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/query_encoder.hpp"
#include "geo/area_samples.hpp"
#include "dns/wire/name_text.hpp"
#include "zones/record_text.hpp"

namespace lodestar::server {

namespace {

// The records whose answers depend on where the client is; the others (failover, weighted,
// all) answer every client alike, and the group moves (predictedMoves) say all of them.
bool placesClients(const zones::SteeredRecord& rec) {
  return rec.tree && (rec.policy == zones::PolicyKind::Geo || rec.policy == zones::PolicyKind::Nearest);
}

// One area's clients of one record that go the same way.
struct Way {
  std::vector<std::string> from, to;
  bool failOpen = false;
  bool operator<(const Way& o) const { return std::tie(from, to, failOpen) < std::tie(o.from, o.to, o.failOpen); }
};

uint32_t capacityOf(const zones::View& view, const zones::SteeredRecord& rec, const std::string& region) {
  const auto id = view.regionId(region);
  const auto* m = id ? rec.pool->members(*id) : nullptr;
  return m ? m->capacity : 0;
}

}  // namespace

DrillPlan planDrill(const zones::View& view, const AdminState& before, int64_t now, const std::string& region,
                    size_t perArea) {
  AdminState during = before;
  during.drained[region] = AdminState::Drain{"drill", 0, now};
  const WhatIfHealth was(view, before, now), will(view, during, now);

  DrillPlan plan;
  nlohmann::json& r = plan.report;
  r["region"] = region;
  r["moves"] = predictedMoves(view, before, during, now);  // by the policies' own client groups

  geo::AreaSampling sampled;
  if (const geo::Database* db = view.database()) sampled = geo::sampleAreas(*db, perArea);
  r["geo_database"] = view.database() != nullptr;
  r["sample_complete"] = sampled.complete;
  r["areas_sampled"] = sampled.areas.size();

  nlohmann::json areas = nlohmann::json::array();
  std::vector<std::string> unchanged;
  struct Taker {
    std::set<std::string> areas, records;
    std::set<std::string> clients;               // the sampled addresses it takes (each once)
    std::map<std::string, uint32_t> capacity;    // by "pool (zone)": pool names are per zone file
    bool failOpen = false;                       // some take it only because nothing is usable
  };
  std::map<std::string, Taker> takers;
  uint32_t ttl = 0;
  for (const auto& area : sampled.areas) {
    nlohmann::json records = nlohmann::json::array();
    for (const auto& zone : view.zones())
      for (const auto& rec : zone->steered()) {
        if (!placesClients(*rec)) continue;
        const bool v6 = !rec->pool->answersFamily[0];
        std::map<Way, size_t> ways;
        const wire::Address* moved = nullptr;
        std::vector<std::string> movedTo;
        for (const auto& who : area.addresses) {
          Outcome from = predictFor(view, was, *rec, who, v6, 0), to = predictFor(view, will, *rec, who, v6, 0);
          if (from == to) continue;
          ++ways[{from.regions, to.regions, to.failOpen}];
          for (const auto& name : to.regions) {
            Taker& t = takers[name];
            t.areas.insert(area.country);
            t.records.insert(rec->name);
            t.clients.insert(who.toString());
            t.capacity[rec->pool->name + " (" + wire::nameToText(zone->apex()) + ")"] = capacityOf(view, *rec, name);
            t.failOpen = t.failOpen || to.failOpen;
          }
          if (!moved) {
            moved = &who;
            movedTo = to.regions;
          }
        }
        for (const auto& [way, clients] : ways)
          records.push_back({{"record", rec->name}, {"from", way.from}, {"to", way.to}, {"fail_open", way.failOpen},
                             {"clients", clients}});
        if (moved) {
          ttl = std::max(ttl, rec->ttl);
          if (plan.probes.size() < kMostProbes)
            plan.probes.push_back({rec->name, uint16_t(v6 ? 28 : 1), *moved, area.country, movedTo});
        }
      }
    if (records.empty()) {
      unchanged.push_back(area.country);
      continue;
    }
    areas.push_back({{"area", area.country},
                     {"continent", area.continent},
                     {"clients_sampled", area.addresses.size()},
                     {"networks", area.networks},
                     {"records", records}});
  }
  r["areas"] = areas;
  r["areas_unchanged"] = unchanged;
  nlohmann::json took = nlohmann::json::array();
  for (const auto& [name, t] : takers)
    took.push_back({{"region", name}, {"areas", t.areas}, {"records", t.records}, {"clients_sampled", t.clients.size()},
                    {"capacity", t.capacity}, {"fail_open", t.failOpen}});
  r["took"] = took;
  // Answers given before the change stay in resolvers' caches this long at most.
  for (const auto& m : r["moves"]) {
    for (const auto& zone : view.zones())
      for (const auto& rec : zone->steered())
        if (rec->name == m.value("record", std::string())) ttl = std::max(ttl, rec->ttl);
  }
  r["ttl"] = ttl;
  return plan;
}

ProbeCheck askProbes(const zones::View& view, const std::vector<DrillProbe>& probes) {
  ProbeCheck check;
  std::vector<uint8_t> out(65535);
  engine::QueryStats stats;
  const engine::Pipeline pipeline(stats);
  for (const auto& p : probes) {
    auto name = zones::parseNameText(p.record, std::string(1, '\0'));
    if (!name) continue;
    wire::QueryFields fields;
    fields.id = 0x4452;
    fields.name = *name;
    fields.type = p.type;
    // The client's own subnet as its resolver would send it (RFC 7871's usual lengths).
    fields.ecs = wire::Prefix{p.client, uint8_t(p.client.family == wire::Family::IPv4 ? 24 : 56)};
    const std::vector<uint8_t> query = wire::encodeQuery(fields);
    engine::Client c{p.client, engine::Transport::Tcp, 0};
    engine::AnswerContext a(query.data(), query.size(), c, out.data(), out.size());
    engine::answerQuery(a, view, pipeline);
    std::vector<std::string> regions;
    if (a.steering.record)
      for (unsigned i = 0; i < a.steering.regionCount; ++i) regions.push_back(view.regions()[a.steering.regions[i]].name);
    // As predicted: off the region, or on it only where the prediction says it fails open there.
    const bool asPredicted = regions == p.expected;
    check.moved += asPredicted;
    check.answers.push_back({{"record", p.record}, {"area", p.area}, {"client", p.client.toString()},
                             {"regions", regions}, {"expected", p.expected}, {"as_predicted", asPredicted}});
  }
  return check;
}

}  // namespace lodestar::server
