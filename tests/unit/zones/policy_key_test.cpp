// The compiled-policy cache: records share a tree exactly when their policy keys are equal,
// and every field of a steered record is either in the key or read per answer. Counted.
#include <catch2/catch.hpp>

#include <tuple>

#include "tests/support/field_count.hpp"
#include "tests/support/geo_fixture.hpp"
#include "zones/policy_compiler.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using zones::PolicyKey;
using zones::PolicyKind;
using zones::SteeredRecord;

namespace {

template <class Tie>
constexpr size_t count(Tie (*)(SteeredRecord&)) {
  return std::tuple_size_v<Tie>;
}

// Read by the answer path from the record itself: records differing only here share a tree.
auto perAnswer(SteeredRecord& r) {
  return std::tie(r.name, r.ttl, r.ttlDegraded, r.minHealthy, r.allDown, r.maxRegions, r.spill, r.maxAnswers,
                  r.regionWeights, r.statsBlock);
}
// Joined into the PolicyKey: the kind, and the pool (its regions, and for nearest their
// coordinates). The map, its default and failover's order go from the file to the key.
auto keyed(SteeredRecord& r) { return std::tie(r.policy, r.pool); }
// What compilePolicy hands back for the key.
auto compiled(SteeredRecord& r) { return std::tie(r.tree, r.orders, r.areas, r.customNetworks); }

}  // namespace

TEST_CASE("every field of a steered record is sorted into the policy key or the answer (a field added and forgotten fails here)",
          "[zones][steering][policy-key]") {
  // A new field that the tree depends on belongs in PolicyKey (whose comparisons are
  // defaulted, so it joins the key by being there); one read per answer goes in perAnswer.
  STATIC_REQUIRE(test::fieldCount<SteeredRecord>() == count(&perAnswer) + count(&keyed) + count(&compiled));
  STATIC_REQUIRE(test::fieldCount<PolicyKey>() == 5);  // the test below changes each of them
}

namespace {

struct Compiler {
  test::TempDir dir;
  zones::LoadContext ctx{test::buildDatabase(dir, test::readCsv("geo/test-networks.csv")), nullptr};
  zones::CompiledPolicy compile(const PolicyKey& key) {
    zones::CompiledPolicy out;
    std::string error;
    bool ok = zones::compilePolicy(key, ctx, out, error);
    INFO(error);
    REQUIRE(ok);
    return out;
  }
};

PolicyKey geoKey() {
  PolicyKey k;
  k.kind = PolicyKind::Geo;
  k.fallback = {0, 1};
  k.poolRegions = {0, 1, 2};
  k.coordinates = {{39, -77}, {37, -122}, {50, 8}};  // read by nearest only, but a key all the same
  k.map = {{"EU", {2, 0}}, {"US", {1}}, {"10.5.1.0/24", {2}}};
  return k;
}

PolicyKey nearestKey() {
  PolicyKey k = geoKey();
  k.kind = PolicyKind::Nearest;
  return k;
}

}  // namespace

TEST_CASE("equal policy keys share one compiled tree, a key differing in any field compiles its own",
          "[zones][steering][policy-key]") {
  for (const PolicyKey& base : {geoKey(), nearestKey()}) {
    Compiler c;  // each base starts from an empty cache
    auto first = c.compile(base);
    CHECK(first.fresh);
    auto again = c.compile(base);
    CHECK_FALSE(again.fresh);
    CHECK(again.tree == first.tree);
    CHECK(again.orders == first.orders);
    CHECK(again.areas == first.areas);  // an equal key is an equal map: one copy, not one per record
    CHECK(again.customNetworks.size() == first.customNetworks.size());

    std::vector<std::pair<const char*, void (*)(PolicyKey&)>> changes = {
        {"kind", [](PolicyKey& k) { k.kind = k.kind == PolicyKind::Geo ? PolicyKind::Nearest : PolicyKind::Geo; }},
        {"default", [](PolicyKey& k) { k.fallback = {1, 0}; }},
        {"pool regions", [](PolicyKey& k) { k.poolRegions = {0, 1, 3}; }},
        {"pool region order", [](PolicyKey& k) { std::swap(k.poolRegions[0], k.poolRegions[2]); }},
        {"coordinates", [](PolicyKey& k) { k.coordinates = {{39, -77}, {37, -122}, {51, 8}}; }},
        {"a map key", [](PolicyKey& k) { k.map[0].key = "AS"; }},
        {"a map order", [](PolicyKey& k) { k.map[1].order = {1, 0}; }},
        {"a network", [](PolicyKey& k) { k.map[2].key = "10.5.2.0/24"; }},
        {"map key order", [](PolicyKey& k) { std::swap(k.map[0], k.map[1]); }},
        {"one map key fewer", [](PolicyKey& k) { k.map.pop_back(); }},
    };
    for (const auto& [what, change] : changes) {
      PolicyKey key = base;
      change(key);
      INFO(policyName(base.kind) << " policy, changed: " << what);
      REQUIRE(key != base);
      auto other = c.compile(key);
      CHECK(other.fresh);
      CHECK(other.tree != first.tree);
      CHECK(other.orders != first.orders);
      CHECK(c.compile(key).tree == other.tree);
    }
  }
  // The policies where the client's location plays no part: the kind and the order.
  Compiler c;
  PolicyKey failover;
  failover.fallback = {1, 0};
  auto f = c.compile(failover);
  PolicyKey weighted = failover;
  weighted.kind = PolicyKind::Weighted;
  PolicyKey reordered = failover;
  reordered.fallback = {0, 1};
  CHECK(c.compile(failover).tree == f.tree);
  CHECK(c.compile(weighted).tree != f.tree);
  CHECK(c.compile(reordered).tree != f.tree);
  CHECK(*c.compile(reordered).orders == std::vector<std::vector<zones::RegionId>>{{0, 1}});
}

namespace {

// One zone whose records differ from `base` in one thing each.
const char* kZone = R"(zone: example.test
soa: {serial: 1}
nameservers: {ns1: 192.0.2.1}
regions:
  east: {latitude: 39, longitude: -77}
  west: {latitude: 37, longitude: -122}
  eu: {latitude: 50, longitude: 8}
pools:
  web:
    regions:
      east: [192.0.2.1, 192.0.2.2]
      west: [192.0.2.3, 192.0.2.4]
      eu: [192.0.2.5, 192.0.2.6]
  web2:
    regions:
      east: [192.0.2.11, 192.0.2.12]
      west: [192.0.2.13, 192.0.2.14]
      eu: [192.0.2.15, 192.0.2.16]
  small:
    regions:
      east: [192.0.2.21]
      west: [192.0.2.23]
records:
  base: {steer: {policy: geo, pool: web, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  same: {steer: {policy: geo, pool: web, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  same-pool-elsewhere: {steer: {policy: geo, pool: web2, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  ttl: {steer: {policy: geo, pool: web, ttl: 5, ttl_degraded: 2, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  min-healthy: {steer: {policy: geo, pool: web, min_healthy: 2, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  all-down: {steer: {policy: geo, pool: web, all_down: nodata, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  max-regions: {steer: {policy: geo, pool: web, max_regions: 2, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  spill: {steer: {policy: geo, pool: web, spill: 2, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  kind: {steer: {policy: nearest, pool: web, map: {EU: [eu, east], US: [east, west], default: [east, eu]}}}
  default: {steer: {policy: geo, pool: web, map: {EU: [eu, east], US: [east, west], default: [eu, east]}}}
  map-order: {steer: {policy: geo, pool: web, map: {EU: [eu, west], US: [east, west], default: [east, eu]}}}
  map-key: {steer: {policy: geo, pool: web, map: {AS: [eu, east], US: [east, west], default: [east, eu]}}}
  network: {steer: {policy: geo, pool: web, map: {EU: [eu, east], 10.5.1.0/24: [east, west], default: [east, eu]}}}
  pool-regions: {steer: {policy: geo, pool: small, map: {US: [east, west], default: [east]}}}
  failover: {steer: {policy: failover, pool: web, order: [west, east]}}
  failover-max-regions: {steer: {policy: failover, pool: web, max_regions: 2, order: [west, east]}}
  failover-order: {steer: {policy: failover, pool: web, order: [east, west]}}
  weighted: {steer: {policy: weighted, pool: web}}
  weighted-weights: {steer: {policy: weighted, pool: web, weights: {east: 3, west: 1}}}
  all: {steer: {policy: all, pool: web}}
  all-max-answers: {steer: {policy: all, pool: web, max_answers: 2}}
)";

}  // namespace

TEST_CASE("steered records share a compiled tree only when their policies are the same",
          "[zones][steering][policy-key]") {
  test::TempDir dir;
  yaml::Diagnostics d;
  auto view = zones::loadView({dir.write("z.yaml", kZone)}, test::buildDatabase(dir, test::readCsv("geo/test-networks.csv")), d);
  INFO(d.report());
  REQUIRE(view);
  std::map<std::string, const SteeredRecord*> byName;
  for (const auto& s : view->zones()[0]->steered()) byName[s->name.substr(0, s->name.find('.'))] = s.get();
  REQUIRE(byName.size() == 21);
  auto shares = [&](const char* a, const char* b) {
    INFO(a << " and " << b);
    CHECK(byName.at(a)->tree == byName.at(b)->tree);
    CHECK(byName.at(a)->orders == byName.at(b)->orders);
  };
  auto own = [&](const char* a, const char* b) {
    INFO(a << " and " << b);
    CHECK(byName.at(a)->tree != byName.at(b)->tree);
    CHECK(byName.at(a)->orders != byName.at(b)->orders);
  };
  // Per-answer options and another pool with the same regions: one tree.
  for (const char* name : {"same", "same-pool-elsewhere", "ttl", "min-healthy", "all-down", "max-regions", "spill"})
    shares("base", name);
  CHECK(byName.at("max-regions")->maxRegions == 2);
  CHECK(byName.at("spill")->spill == 2);
  CHECK(byName.at("ttl")->ttl == 5);
  // The policy: kind, default, map orders and keys, networks, the pool's regions.
  for (const char* name : {"kind", "default", "map-order", "map-key", "network", "pool-regions"}) own("base", name);
  shares("failover", "failover-max-regions");
  own("failover", "failover-order");
  own("failover", "weighted");
  shares("weighted", "weighted-weights");
  CHECK(byName.at("weighted-weights")->regionWeights != byName.at("weighted")->regionWeights);
  shares("all", "all-max-answers");
  own("all", "weighted");
}
