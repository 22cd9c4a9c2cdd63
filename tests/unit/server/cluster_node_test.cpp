// The cluster node's keys for endpoints: one health cell is one key, on every node. Before,
// a cell was keyed locally by the check's spec and address but in the cluster by the check's
// name and address: two zone files with a check of one name and two specs on one address
// gave two cells and one cluster key, and the second cell stayed up forever.
#include <catch2/catch.hpp>

#include <memory>

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
