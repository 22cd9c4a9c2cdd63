// ClusterConditions on its own: degraded, config mismatch and isolated, read from the cluster's
// summary as ClusterNode writes it, each told once on and once off as a `cluster` hook event;
// the first summary only learns; a flapping condition is held to its budget.
#include <catch2/catch.hpp>

#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/cluster_conditions.hpp"

using namespace lodestar;
using nlohmann::json;
using server::ClusterConditions;
using server::TellBudget;

namespace {

constexpr int64_t kNow = 1'800'000'000;

json healthy() { return {{"node", "ns1"}, {"reachable", true}, {"isolated", false}, {"isolated_endpoints", json::array()}}; }

}  // namespace

TEST_CASE("cluster conditions are told once on and once off, the first summary only learns", "[server][cluster-events]") {
  std::vector<json> events;
  std::vector<std::string> argv;
  ClusterConditions watch([&](const health::HookEvent& e) {
    events.push_back(json::parse(e.json));
    argv.push_back(e.endpoint + " " + e.from + " " + e.to);
  });
  json degraded = healthy();
  degraded["degraded_since"] = kNow;
  degraded["degraded_because"] = "connection refused";
  watch.observe(degraded, kNow);  // started degraded: learnt, not told
  CHECK(events.empty());

  watch.observe(healthy(), kNow + 1);
  REQUIRE(events.size() == 1);
  CHECK(events[0]["event"] == "cluster");
  CHECK(events[0]["condition"] == "degraded");
  CHECK(events[0]["from"] == "degraded");
  CHECK(events[0]["to"] == "ok");
  CHECK(events[0]["node"] == "ns1");
  CHECK(argv[0] == "ns1 degraded ok");

  watch.observe(degraded, kNow + 2);
  REQUIRE(events.size() == 2);
  CHECK(events[1]["to"] == "degraded");
  CHECK(events[1]["because"] == "connection refused");
  watch.observe(degraded, kNow + 3);  // unchanged: nothing
  CHECK(events.size() == 2);

  json drift = healthy();
  drift["config_mismatch"] = "the nodes serve different zone files or geo databases: ns1 aaaa, ns2 bbbb";
  json isolated = drift;
  isolated["isolated"] = true;
  isolated["isolated_endpoints"] = {"127.0.1.1"};
  watch.observe(isolated, kNow + 4);
  // degraded went off; config_mismatch and isolated came on.
  REQUIRE(events.size() == 5);
  CHECK(events[2]["condition"] == "degraded");
  CHECK(events[2]["to"] == "ok");
  CHECK(events[3]["condition"] == "config_mismatch");
  CHECK(events[3]["to"] == "config_mismatch");
  CHECK(events[3]["because"] == drift["config_mismatch"]);
  CHECK(events[4]["condition"] == "isolated");
  CHECK(events[4]["to"] == "isolated");
  CHECK(events[4]["endpoints"] == json::array({"127.0.1.1"}));

  watch.observe(healthy(), kNow + 5);
  REQUIRE(events.size() == 7);
  CHECK(events[5]["to"] == "ok");
  CHECK(events[6]["to"] == "ok");
}

TEST_CASE("a flapping cluster condition is held to its budget and tells its true state last", "[server][cluster-events]") {
  std::vector<json> events;
  ClusterConditions watch([&](const health::HookEvent& e) { events.push_back(json::parse(e.json)); });
  json isolated = healthy();
  isolated["isolated"] = true;
  watch.observe(healthy(), kNow);
  for (int i = 0; i < 10; ++i) watch.observe(i % 2 == 0 ? isolated : healthy(), kNow + 1);
  CHECK(events.size() == static_cast<size_t>(TellBudget::kBurst));
  watch.observe(isolated, kNow + 1 + static_cast<int64_t>(TellBudget::kRefillSeconds));
  REQUIRE(events.size() == static_cast<size_t>(TellBudget::kBurst) + 1);
  CHECK(events.back()["to"] == "isolated");
  CHECK(events.back()["changes_not_told"].get<uint64_t>() > 0);
  // Not an object (no cluster): nothing, no throw.
  watch.observe(json(), kNow + 100);
  watch.observe(json{{"isolated", "yes"}, {"node", 7}}, kNow + 101);
  CHECK(events.size() == static_cast<size_t>(TellBudget::kBurst) + 2);  // isolated off (not a true bool)
}
