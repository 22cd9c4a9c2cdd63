// The drill in a cluster of three nodes on a real three-member etcd: the report says which
// nodes applied it, and the node that started it killed mid-drill, the others still bring
// the region back on time, and it too once restarted: the end lives with the cluster's
// overrides, in etcd.
#include <catch2/catch.hpp>

#include <chrono>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"
#include "tests/support/cluster_status.hpp"
#include "tests/support/until.hpp"

using namespace lodestar::test;
using Clock = std::chrono::steady_clock;

TEST_CASE("drill: the node that started it killed mid-drill, every other node brings the region back on time",
          "[cluster][e2e][drill]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  for (int i = 0; i < c.size(); ++i) REQUIRE(c.regionFor(i) == "eu-west");

  const auto asked = Clock::now();
  auto drill = c.ctl(0, "drill eu-west --for 6s --json");
  INFO(drill.output);
  REQUIRE(drill.status == 0);
  auto r = nlohmann::json::parse(drill.output)["result"];
  CHECK(r["drain"]["acknowledged"]["complete"] == true);
  CHECK(r["drain"]["acknowledged"]["applied_on"].size() == 3);
  CHECK(r["answers_changed_ms"].is_number());
  CHECK(r["areas"][0]["area"] == "DE");
  for (int i = 0; i < c.size(); ++i) CHECK(c.regionFor(i) == "us-east");

  c.killNode(0);
  // Nodes 1 and 2 close the window on its edge, without the node that opened it.
  REQUIRE(until([&] { return c.regionFor(1) == "eu-west" && c.regionFor(2) == "eu-west"; }, std::chrono::seconds(12)));
  const auto back = Clock::now() - asked;
  CHECK(back >= std::chrono::milliseconds(5000));
  CHECK(back <= std::chrono::milliseconds(8000));
  // The node that started it, back after the end, answers from the region too.
  c.restartNode(0);
  CHECK(until([&] { return c.regionFor(0) == "eu-west"; }, std::chrono::seconds(10)));
}
