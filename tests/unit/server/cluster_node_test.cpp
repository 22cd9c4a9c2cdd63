// The cluster node's keys for endpoints: one health cell is one key, on every node. Before,
// a cell was keyed locally by the check's spec and address but in the cluster by the check's
// name and address: two zone files with a check of one name and two specs on one address
// gave two cells and one cluster key, and the second cell stayed up forever. And which of
// its decisions the hooks are told (issue 30): the quorum's, once it is known.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/cluster_node.hpp"
#include "health/loop/event_loop.hpp"

using namespace lodestar;

namespace {
std::shared_ptr<const health::CheckSpec> spec(const std::string& name, const std::string& path) {
  auto s = std::make_shared<health::CheckSpec>();
  s->name = name;
  s->kind = health::ProbeKind::Http;
  s->path = path;
  return s;
}
}  // namespace

TEST_CASE("endpoint keys follow the check's identity, not its name", "[server][cluster]") {
  auto a = spec("web", "/a"), b = spec("web", "/b"), renamed = spec("other-name", "/a");
  CHECK(server::endpointKey(*a, "192.0.2.1") != server::endpointKey(*b, "192.0.2.1"));
  CHECK(server::endpointKey(*a, "192.0.2.1") == server::endpointKey(*renamed, "192.0.2.1"));  // one probe, one cell
  CHECK(server::endpointKey(*a, "192.0.2.1") != server::endpointKey(*a, "192.0.2.2"));
}

TEST_CASE("two checks of one name and different specs on one address: each cell follows its own probes",
          "[server][cluster][regression]") {
  loop::EventLoop loop;
  config::ClusterConfig c;
  c.etcd = {"http://127.0.0.1:1"};  // nothing listens: the node decides from its own view
  c.node = "ns1";
  std::string refused;
  server::ClusterNode node(loop, c, "test", "", [] {}, [&](const std::string& why) { refused = why; });
  auto a = spec("web", "/a"), b = spec("web", "/b");
  auto cellA = std::make_shared<health::HealthCell>(), cellB = std::make_shared<health::HealthCell>();
  node.setTargets({{a, "192.0.2.1", cellA, "zone one", true}, {b, "192.0.2.1", cellB, "zone two", true}}, "hash");
  health::StateChange down{"192.0.2.1", "zone two", "web", health::Observed::Up, health::Observed::Down, {}, b};
  node.localChange(down);
  CHECK(cellB->observed.load() == health::Observed::Down);
  CHECK(cellA->observed.load() == health::Observed::Up);
  health::StateChange alsoDown{"192.0.2.1", "zone one", "web", health::Observed::Up, health::Observed::Down, {}, a};
  node.localChange(alsoDown);
  CHECK(cellA->observed.load() == health::Observed::Down);
  CHECK(refused.empty());
}

TEST_CASE("a shared endpoint's decision is told once the node knows the cluster and a reload that changes nothing "
          "tells nothing",
          "[server][cluster][hooks]") {
  loop::EventLoop loop;
  config::ClusterConfig c;
  c.etcd = {"http://127.0.0.1:1"};  // nothing listens: the node decides from its own view
  c.node = "ns1";
  server::ClusterNode node(loop, c, "test", "", [] {}, [](const std::string&) {});
  std::vector<server::ClusterDecision> told;
  node.setOnDecision([&](const server::ClusterDecision& d) { told.push_back(d); });
  auto a = spec("web", "/a"), b = spec("web", "/b");
  auto cellA = std::make_shared<health::HealthCell>(), cellB = std::make_shared<health::HealthCell>();
  const std::vector<health::ProbeTarget> targets{{a, "192.0.2.1", cellA, "region r, pool p", true},
                                                 {b, "192.0.2.2", cellB, "region r, pool q", false}};
  node.setTargets(targets, "hash");
  CHECK(node.shares(*a, "192.0.2.1"));
  CHECK_FALSE(node.shares(*b, "192.0.2.2"));  // consensus: local, the daemon's own event
  using health::Observed;
  auto change = [&](Observed from, Observed to) {
    node.localChange({"192.0.2.1", "region r, pool p", "web", from, to, {}, a});
  };
  // Before the node has read the others' reports (or knows etcd unreachable) it decides alone,
  // and that is not told: a start must not page for what the quorum may not say.
  change(Observed::Up, Observed::InDoubt);
  CHECK(cellA->observed.load() == Observed::InDoubt);
  change(Observed::InDoubt, Observed::Up);
  change(Observed::Up, Observed::Down);
  CHECK(cellA->observed.load() == Observed::Down);
  CHECK(told.empty());
  // etcd found unreachable (nothing listens): from then on this node's view decides, and what
  // changed since the start is told once, against the state it started with.
  for (auto start = std::chrono::steady_clock::now();
       told.empty() && std::chrono::steady_clock::now() - start < std::chrono::seconds(5);)
    loop.runOnce(std::chrono::milliseconds(50));
  REQUIRE(told.size() == 1);
  CHECK(told[0].check == a);
  CHECK(told[0].address == "192.0.2.1");
  CHECK(told[0].where == "region r, pool p");
  CHECK(told[0].from == Observed::Up);
  CHECK(told[0].to == Observed::Down);
  CHECK(told[0].local == Observed::Down);
  CHECK_FALSE(told[0].ownProbesOnly);  // within the grace period
  CHECK_THAT(told[0].reason, Catch::Contains("quorum of 1 node(s): 1 down, 0 in doubt, 0 up") &&
                                 Catch::Contains("etcd not reached since this node started"));
  node.setTargets(targets, "hash");  // a reload that changes nothing
  CHECK(told.size() == 1);
  change(Observed::Down, Observed::Up);
  REQUIRE(told.size() == 2);
  CHECK(told[1].from == Observed::Down);
  CHECK(told[1].to == Observed::Up);
  const auto event = nlohmann::json::parse(server::clusterDecisionEventJson(told[1], "ns1"));
  CHECK(event["event"] == "health");
  CHECK(event["endpoint"] == "192.0.2.1");
  CHECK(event["check"] == "web");
  CHECK(event["from"] == "down");
  CHECK(event["to"] == "up");
  CHECK(event["decided_by"] == "cluster");
  CHECK(event["local"] == "up");
  CHECK(event["node"] == "ns1");
}
