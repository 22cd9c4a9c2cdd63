// Goldens for every policy: query + client + health states → the exact answer.
#include <catch2/catch.hpp>

#include <map>

#include "dns/engine/answer.hpp"
#include "tests/support/daemon_process.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using health::Observed;
using test::QueryBuilder;
using Lines = std::vector<std::string>;

namespace {

struct Fixture {
  std::unique_ptr<zones::View> view;
  engine::QueryStats stats;
  Fixture() {
    yaml::Diagnostics d;
    view = zones::loadView({test::dataPath("steering/policies.example.yaml")}, nullptr, d);
    if (!view) FAIL(d.report());
  }
  // Sets the observed state of every endpoint with this address.
  void set(const char* address, Observed state) {
    auto a = *wire::Address::parse(address);
    for (const auto& zone : view->zones())
      for (const auto& pool : zone->pools())
        for (const auto& members : pool->byRegion)
          for (const auto* list : {&members.ipv4, &members.ipv6})
            for (const auto& e : *list)
              if (e.address == a) e.cell->observed.store(state);
  }
  void allUp() {
    for (const auto& zone : view->zones())
      for (const auto& pool : zone->pools())
        for (const auto& members : pool->byRegion)
          for (const auto& e : members.ipv4) e.cell->observed.store(Observed::Up);
  }
  test::Answer ask(const std::string& name, uint32_t entropy = 0, const char* ecs = nullptr, uint16_t type = 1) {
    static uint8_t out[65535];
    QueryBuilder q;
    q.name(name + ".pol.example.").type(type);
    if (ecs) q.ecs(ecs);
    auto bytes = q.bytes();
    engine::Client client{*wire::Address::parse("192.0.2.99"), engine::Transport::Udp, entropy};
    engine::AnswerContext ctx(bytes.data(), bytes.size(), client, out, sizeof out);
    size_t n = engine::answerQuery(ctx, *view, engine::Pipeline(stats));
    REQUIRE(n > 0);
    auto a = test::parseAnswer(test::Bytes(out, out + n));
    REQUIRE(a);
    return *a;
  }
};

Lines records(const std::string& name, uint32_t ttl, std::initializer_list<const char*> addresses) {
  Lines out;
  for (const char* a : addresses) out.push_back(name + ".pol.example. " + std::to_string(ttl) + " A " + a);
  return out;
}

}  // namespace

TEST_CASE("failover: the first region of the order with endpoints up", "[engine][policy]") {
  Fixture f;
  CHECK(f.ask("fo").answer == records("fo", 60, {"10.0.1.1", "10.0.1.2"}));
  f.set("10.0.1.1", Observed::Down);
  CHECK(f.ask("fo").answer == records("fo", 10, {"10.0.1.2"}));  // the region still serves, degraded TTL
  f.set("10.0.1.2", Observed::Down);
  CHECK(f.ask("fo").answer == records("fo", 60, {"10.0.0.1", "10.0.0.2"}));
  f.set("10.0.0.1", Observed::InDoubt);
  CHECK(f.ask("fo").answer == records("fo", 10, {"10.0.0.1", "10.0.0.2"}));  // in doubt: served, shorter TTL
}

TEST_CASE("fail open: with every region down, the first region's endpoints, counted", "[engine][policy]") {
  Fixture f;
  for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.1.1", "10.0.1.2", "10.0.2.1", "10.0.2.2"}) f.set(a, Observed::Down);
  CHECK(f.ask("fo").answer == records("fo", 10, {"10.0.1.1", "10.0.1.2"}));
  CHECK(f.stats.failOpen.value() == 1);
  auto nd = f.ask("nd");  // all_down: nodata
  CHECK(nd.rcode == 0);
  CHECK(nd.answer.empty());
  CHECK(nd.authority.size() == 1);
  CHECK(f.stats.failOpen.value() == 2);
}

TEST_CASE("min_healthy: a region with too few endpoints up is skipped", "[engine][policy]") {
  Fixture f;
  CHECK(f.ask("fo2").answer == records("fo2", 30, {"10.0.0.1", "10.0.0.2"}));
  f.set("10.0.0.2", Observed::Down);
  CHECK(f.ask("fo2").answer == records("fo2", 30, {"10.0.1.1", "10.0.1.2"}));
}

TEST_CASE("max_regions: the healthy endpoints of the first N usable regions", "[engine][policy]") {
  Fixture f;
  CHECK(f.ask("mr").answer == records("mr", 30, {"10.0.0.1", "10.0.0.2", "10.0.1.1", "10.0.1.2"}));
  f.set("10.0.0.1", Observed::Down);
  f.set("10.0.0.2", Observed::Down);
  CHECK(f.ask("mr").answer == records("mr", 30, {"10.0.1.1", "10.0.1.2", "10.0.2.1", "10.0.2.2"}));
}

TEST_CASE("weighted: regions chosen in proportion to their weights, only healthy ones", "[engine][policy]") {
  Fixture f;
  std::map<std::string, int> seen;
  for (uint32_t e = 0; e < 400; ++e) seen[f.ask("wt", e).answer.at(0)]++;
  CHECK(seen.size() == 2);
  CHECK(seen["wt.pol.example. 30 A 10.0.0.1"] == 100);  // weight 1 of 4
  CHECK(seen["wt.pol.example. 30 A 10.0.2.1"] == 300);  // weight 3 of 4
  f.set("10.0.2.1", Observed::Down);
  f.set("10.0.2.2", Observed::Down);
  for (uint32_t e = 0; e < 50; ++e) CHECK(f.ask("wt", e).answer == records("wt", 30, {"10.0.0.1", "10.0.0.2"}));
}

TEST_CASE("weighted by endpoint: one address per answer in proportion to its weight", "[engine][policy]") {
  Fixture f;
  std::map<std::string, int> seen;
  for (uint32_t e = 0; e < 1024; ++e) {
    auto a = f.ask("we", e * 256);
    REQUIRE(a.answer.size() == 1);
    seen[a.answer[0]]++;
  }
  CHECK(seen["we.pol.example. 30 A 10.1.0.1"] == 768);
  CHECK(seen["we.pol.example. 30 A 10.1.0.2"] == 256);
}

TEST_CASE("all: every healthy endpoint, capped and rotated", "[engine][policy]") {
  Fixture f;
  auto first = f.ask("all", 0).answer;
  CHECK(first == records("all", 30, {"10.0.0.1", "10.0.0.2", "10.0.1.1", "10.0.1.2"}));
  CHECK(f.ask("all", 2).answer == records("all", 30, {"10.0.1.1", "10.0.1.2", "10.0.2.1", "10.0.2.2"}));
  f.set("10.0.1.1", Observed::Down);
  auto a = f.ask("all", 0).answer;
  CHECK(a == records("all", 30, {"10.0.0.1", "10.0.0.2", "10.0.1.2", "10.0.2.1"}));
}

TEST_CASE("spill: a down region's clients spread over the next ones by capacity, stable per client network",
          "[engine][policy]") {
  Fixture f;
  CHECK(f.ask("sp", 0, "198.51.100.0/24").answer == records("sp", 30, {"10.0.0.1", "10.0.0.2"}));
  f.set("10.0.0.1", Observed::Down);
  f.set("10.0.0.2", Observed::Down);
  int toB = 0, toC = 0;
  for (int i = 0; i < 400; ++i) {
    std::string net = "10." + std::to_string(i / 200) + "." + std::to_string(i % 200) + ".0/24";
    auto a = f.ask("sp", 0, net.c_str());
    REQUIRE(a.answer.size() == 2);
    REQUIRE(a.ecs);
    CHECK(a.ecs->scope == 24);
    if (a.answer[0].find("10.0.1.") != std::string::npos) ++toB;
    else ++toC;
    CHECK(f.ask("sp", 99, net.c_str()).answer == a.answer);  // the same network, the same region
  }
  INFO("b " << toB << ", c " << toC);
  CHECK(toB > 250);  // capacity 3 : 1
  CHECK(toC > 60);
}

TEST_CASE("CNAME pools: the chosen region's alias answers A, AAAA and CNAME queries", "[engine][policy]") {
  Fixture f;
  CHECK(f.ask("cdn").answer == Lines{"cdn.pol.example. 40 CNAME edge-a.cdn.example."});
  CHECK(f.ask("cdn", 0, nullptr, 28).answer == Lines{"cdn.pol.example. 40 CNAME edge-a.cdn.example."});
  CHECK(f.ask("cdn", 0, nullptr, 5).answer == Lines{"cdn.pol.example. 40 CNAME edge-a.cdn.example."});
  // Region a's alias down: b's alias.
  for (const auto& pool : f.view->zones()[0]->pools())
    if (pool->name == "cdn") pool->byRegion[0].cnameCell->observed.store(Observed::Down);
  CHECK(f.ask("cdn").answer == Lines{"cdn.pol.example. 40 CNAME edge-b.cdn.example."});
  CHECK(f.ask("fo", 0, nullptr, 5).answer.empty());  // an address pool has no alias: NODATA
}
