// Local overrides in the open (issue 25 item 3): a --local drain made during an etcd outage
// stays on its node when etcd is back (documented), and is no longer invisible: it is in the
// node's leased report, so every node's status --cluster shows it, and a cluster-wide undrain
// on that node does not answer "nothing to do" but says where the drain is and how to undo
// it, with exit 1. Against a real three-member etcd.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"

using namespace lodestar::test;
using Clock = std::chrono::steady_clock;

namespace {

nlohmann::json statusOf(ClusterFixture& c, int i, const std::string& extra = "") {
  auto j = nlohmann::json::parse(c.ctl(i, "status --json " + extra).output, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j["result"];
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(15000)) {
  for (auto start = Clock::now(); Clock::now() - start < limit;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The --local drains node `i`'s status --cluster shows for `node`, as JSON (null: none).
nlohmann::json localDrainsSeen(ClusterFixture& c, int i, const std::string& node) {
  auto s = statusOf(c, i, "--cluster");
  if (!s.is_object() || !s.contains("cluster") || !s["cluster"].contains("nodes")) return nullptr;
  for (const auto& n : s["cluster"]["nodes"])
    if (n["node"] == node && n.contains("local_overrides")) return n["local_overrides"]["drained"];
  return nullptr;
}

}  // namespace

TEST_CASE("a --local drain kept after etcd is back shows on every node and is not 'nothing to do'",
          "[cluster][e2e][local][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  for (int i = 0; i < 3; ++i)
    REQUIRE(eventually([&] { return statusOf(c, i)["cluster"].value("nodes_alive", 0) == 3; }));
  const std::string holder = statusOf(c, 2)["cluster"].value("node", std::string());
  REQUIRE(!holder.empty());

  // etcd away: the drain can only be --local; node 3 sends Europe to us-east.
  c.etcd().stopAll();
  REQUIRE(eventually([&] { return statusOf(c, 2)["cluster"].contains("degraded_since"); }));
  auto local = c.ctl(2, "drain eu-west --local --reason node3-only");
  INFO(local.output);
  REQUIRE(local.status == 0);
  CHECK(c.regionFor(2) == "us-east");

  // etcd back: the drain stays on node 3, and every node's status --cluster shows it.
  c.etcd().startAll();
  for (int i = 0; i < 3; ++i) {
    INFO("node " << i);
    CHECK(eventually([&] {
      auto d = localDrainsSeen(c, i, holder);
      return d.is_object() && d.contains("eu-west") && d["eu-west"].value("reason", "") == "node3-only";
    }));
    CHECK_THAT(c.ctl(i, "status --cluster").output,
               Catch::Contains("drained eu-west on " + holder + " only (--local) since ") && Catch::Contains("(node3-only)"));
  }
  CHECK(c.regionFor(2) == "us-east");

  // A cluster-wide undrain on node 3: it was not drained cluster-wide, but is here. Before,
  // "nothing to do (it was not drained)", exit 0, while Europe still went to us-east.
  auto undrain = c.ctl(2, "undrain eu-west");
  INFO(undrain.output);
  CHECK(undrain.status == 1);
  CHECK_THAT(undrain.output, Catch::Contains("eu-west is drained on this node only since ") &&
                                 Catch::Contains("undo with 'lodestarctl undrain eu-west --local'"));
  CHECK(undrain.output.find("it was not drained") == std::string::npos);
  auto json = nlohmann::json::parse(c.ctl(2, "undrain eu-west --json").output, nullptr, false);
  REQUIRE(!json.is_discarded());
  CHECK(json["code"] == "local_override");
  CHECK(json["local_override"]["target"] == "eu-west");
  // Another node holds no such drain: nothing to do there, as before.
  CHECK(c.ctl(0, "undrain eu-west").status == 0);

  // Undone where it was made: gone from every node's report.
  REQUIRE(c.ctl(2, "undrain eu-west --local").status == 0);
  for (int i = 0; i < 3; ++i) {
    INFO("node " << i);
    CHECK(eventually([&] { return localDrainsSeen(c, i, holder).is_null() && statusOf(c, i).is_object(); }));
  }
  CHECK(eventually([&] { return c.regionFor(2) == "eu-west"; }));

  // A --local force the same way: shown on every node, and a cluster-wide auto on its node
  // says where it is.
  REQUIRE(c.ctl(2, "force-down 127.0.3.1 --local --reason disk").status == 0);
  for (int i = 0; i < 3; ++i) {
    INFO("node " << i);
    CHECK(eventually([&] {
      return c.ctl(i, "status --cluster").output.find("forced 127.0.3.1 down on " + holder + " only (--local) since ") !=
             std::string::npos;
    }));
  }
  auto automatic = c.ctl(2, "auto 127.0.3.1");
  INFO(automatic.output);
  CHECK(automatic.status == 1);
  CHECK_THAT(automatic.output, Catch::Contains("127.0.3.1 is forced down on this node only since ") &&
                                   Catch::Contains("undo with 'lodestarctl auto 127.0.3.1 --local'"));
  CHECK(c.ctl(2, "auto 127.0.3.1 --local").status == 0);
}
