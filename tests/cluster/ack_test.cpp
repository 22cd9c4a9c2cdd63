// Acknowledged changes: an admin command in a cluster waits (cluster.ack_wait) until every
// expected node reports the change's revision applied, and says exactly which did and which
// did not. Before, it said "done on every node" as soon as etcd had committed, with one node
// dead; and status counted "2 node(s) reporting" without naming the missing one.
#include <catch2/catch.hpp>

#include <chrono>
#include <iostream>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"
#include "tests/support/cluster_status.hpp"
#include "tests/support/until.hpp"

using namespace lodestar::test;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

TEST_CASE("a drain with every node alive says it was applied on each, by name, with the time",
          "[cluster][e2e][ack]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(8000)));
  auto r = c.ctl(1, "drain eu-west --reason ack");
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(std::regex_search(r.output, std::regex(R"(^drain eu-west: applied on ns1, ns2, ns3 in \d+ ms \(revision \d+\)\n$)")));
  std::cout << "cluster ack, all alive: " << r.output;

  auto j = nlohmann::json::parse(c.ctl(0, "undrain eu-west --json").output, nullptr, false);
  REQUIRE(j.is_object());
  const auto a = j["result"]["acknowledged"];
  CHECK(a["complete"] == true);
  CHECK(a["applied_on"] == nlohmann::json({"ns1", "ns2", "ns3"}));
  CHECK(a["not_applied"].empty());
  CHECK(a["ms"].get<int64_t>() < 2000);

  // Each report carries the revision its node applies; status counts the expected nodes.
  const auto s = statusOf(c, 2);
  CHECK(s["cluster"]["nodes_expected"] == 3);
  CHECK(s["cluster"]["nodes_reporting"] == 3);
  CHECK_THAT(c.ctl(2, "status").output, Catch::Contains("3 of 3 nodes reporting"));
  auto withNodes = nlohmann::json::parse(c.ctl(0, "status --json --cluster").output, nullptr, false);
  const int64_t revision = j["result"]["revision"].get<int64_t>();
  for (const auto& n : withNodes["result"]["cluster"]["nodes"]) CHECK(n["applied_revision"].get<int64_t>() >= revision);
  CHECK_THAT(c.ctl(0, "status --cluster").output, Catch::Contains("last heartbeat"));
}

TEST_CASE("a drain with one node killed says committed, names the node not reporting, and exits 4",
          "[cluster][e2e][ack]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(8000)));
  c.killNode(0);  // ns1
  // Its report leaves with its lease (2 s): status names it, and since when it is silent.
  REQUIRE(until([&] { return statusOf(c, 1)["cluster"].value("nodes_reporting", 0) == 2; },
                std::chrono::milliseconds(8000)));
  const auto s = statusOf(c, 1);
  CHECK(s["cluster"]["nodes_expected"] == 3);
  REQUIRE(s["cluster"]["nodes_missing"].size() == 1);
  CHECK(s["cluster"]["nodes_missing"][0]["node"] == "ns1");
  const auto human = c.ctl(1, "status").output;
  INFO(human);
  std::cout << "status on ns2 with ns1 killed: " << human.substr(0, human.find('\n') + 1);
  CHECK(std::regex_search(human, std::regex(R"(2 of 3 nodes reporting \(ns1 not reporting since \d{4}-\d\d-\d\dT)")));

  auto start = Clock::now();
  auto r = c.ctl(1, "drain eu-west --reason one-node-dead");
  const double took = msSince(start);
  INFO(r.output);
  std::cout << "cluster ack, ns1 killed (" << took << " ms): " << r.output;
  CHECK(r.status == 4);
  CHECK(std::regex_search(
      r.output, std::regex(R"(^drain eu-west: committed \(revision \d+\); applied on ns2, ns3; ns1 not reporting since \d{4}-)")));
  CHECK(took >= 1900);  // it waited cluster.ack_wait (2 s)
  CHECK(took < 5000);
  // The change holds on the nodes that run.
  CHECK(c.regionFor(1) == "us-east");
  CHECK(c.regionFor(2) == "us-east");
  auto j = c.ctl(2, "undrain eu-west --json");
  CHECK(j.status == 4);
  auto a = nlohmann::json::parse(j.output, nullptr, false)["result"]["acknowledged"];
  CHECK(a["complete"] == false);
  CHECK(a["applied_on"] == nlohmann::json({"ns2", "ns3"}));
  CHECK(a["not_applied"][0]["node"] == "ns1");
  CHECK(a["not_applied"][0]["reporting"] == false);
}

TEST_CASE("with cluster.nodes a listed node never seen is expected and named", "[cluster][e2e][ack]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterNodeOptions options;
  options.clusterKeys = "  nodes: [ns1, ns2, ns3, ns4]\n  ack_wait: 500ms\n";
  ClusterFixture c(options);
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(8000)));
  auto r = c.ctl(0, "drain eu-west");
  INFO(r.output);
  CHECK(r.status == 4);
  CHECK_THAT(r.output, Catch::Contains("applied on ns1, ns2, ns3; ns4 not reporting (not seen since ns1 started at "));
  CHECK_THAT(r.output, Catch::Contains("(waited 500 ms)"));
  CHECK_THAT(c.ctl(0, "status").output, Catch::Contains("3 of 4 nodes reporting (ns4 not reporting"));
}
