// Maintenance windows in a cluster of three nodes on a real three-member etcd: the safety
// rule judges a change through any node with the windows scheduled for later, a window that
// would strand a record when it opens is held on every node and opens on every node once it
// is safe, and an ended window leaves P/admin.
#include <catch2/catch.hpp>

#include <chrono>

#include <nlohmann/json.hpp>

#include "dns/cluster/etcd_client.hpp"
#include "tests/support/cluster_fixture.hpp"
#include "tests/support/cluster_status.hpp"
#include "tests/support/occurrences.hpp"
#include "tests/support/until.hpp"
#include "tests/support/zone_texts.hpp"

using namespace lodestar::test;

namespace {

// pay fails over from eu-west to us-east, on the demo's endpoints and check.
const std::string kPayZone =
    demoZoneText({.records = "  pay:\n    steer: {policy: failover, pool: web, order: [eu-west, us-east]}\n"});

const std::string kPay = "pay.other.test. (every client)";

// The region entry of node i's status ("null" when it did not answer).
nlohmann::json regionOf(ClusterFixture& c, int i, const std::string& region) {
  auto s = statusOf(c, i);  // kept: the loop walks into it
  for (const auto& r : s["regions"])
    if (r["region"] == region) return r;
  return nullptr;
}

// The cluster's overrides as etcd holds them.
nlohmann::json adminInEtcd(ClusterFixture& c) {
  lodestar::cluster::EtcdOptions options;
  options.endpoints = c.etcd().endpoints();
  lodestar::cluster::EtcdClient etcd(options);
  auto r = etcd.range("/test/admin");
  if (r.kvs.empty()) return nullptr;
  return nlohmann::json::parse(r.kvs[0].value, nullptr, false);
}

ClusterNodeOptions withPay() {
  ClusterNodeOptions options;
  options.extraZoneFile = kPayZone;
  return options;
}

}  // namespace

TEST_CASE("a drain through any node is judged with the cluster's windows scheduled for later",
          "[cluster][e2e][window][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c(withPay());
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  auto window = c.ctl(0, "drain eu-west --at +20s --for 30s --reason upgrade");
  INFO(window.output);
  REQUIRE(window.status == 0);
  // Accepted before, through any node: when the window opened, pay was answered fail-open.
  for (int i : {1, 2}) {
    auto now = c.ctl(i, "drain us-east");
    INFO("node " << i + 1 << ": " << now.output);
    CHECK(now.status == 1);
    CHECK_THAT(now.output, Catch::Contains("refused: this would leave " + kPay + " without a usable region from "));
    CHECK_THAT(now.output, Catch::Contains("when eu-west's maintenance window opens"));
  }
  auto overlapping = c.ctl(2, "drain us-east --at +40s --for 30s");
  INFO(overlapping.output);
  CHECK(overlapping.status == 1);
  CHECK_THAT(overlapping.output, Catch::Contains("when this window opens"));
  auto admin = adminInEtcd(c);
  INFO(admin.dump());
  CHECK(admin["drained"].empty());
  CHECK(admin["windows"].size() == 1);
  for (int i = 0; i < 3; ++i) CHECK(c.regionFor(i) == "eu-west");
}

TEST_CASE("a window that would strand a record is held on every node, opens on every node when safe, and leaves etcd "
          "when it ends",
          "[cluster][e2e][window][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c(withPay());
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  REQUIRE(c.ctl(0, "drain eu-west --at +3s --for 7s --reason upgrade").status == 0);
  // Something changed since: us-east drained with --force through another node.
  auto forced = c.ctl(1, "drain us-east --force --reason incident");
  INFO(forced.output);
  REQUIRE(forced.status == 0);

  // Due: held on every node. Before, it opened everywhere and pay was answered fail-open.
  auto held = [&](int i) {
    auto r = regionOf(c, i, "eu-west");
    return r.is_object() && r.contains("windows") && r["windows"][0].value("state", "") == "held";
  };
  REQUIRE(everyNode(c, std::chrono::milliseconds(6000), held));
  for (int i = 0; i < 3; ++i) {
    auto r = regionOf(c, i, "eu-west");
    INFO("node " << i + 1 << ": " << r.dump());
    CHECK(r["drained"] == false);
    CHECK(r["windows"][0]["held_because"] == "would leave " + kPay + " with no region");
    // European www clients stay on eu-west (opened, they went to ap-northeast: us-east is drained).
    CHECK(c.regionFor(i) == "eu-west");
    CHECK(c.regionFor(i, "pay.other.test") == "eu-west");
    auto stats = nlohmann::json::parse(c.ctl(i, "stats --json").output, nullptr, false);
    CHECK(stats["result"].value("fail_open", -1) == 0);
    const std::string log = c.node(i).log();
    CHECK(count(log, "is held, not opened: it would leave " + kPay + " with no region") == 1);
  }
  CHECK(until([&] {
    auto admin = adminInEtcd(c);
    return admin.is_object() && admin["windows"].size() == 1 && admin["windows"][0].contains("held");
  }, std::chrono::milliseconds(2000)));

  // Safe again (through the third node): it opens on every node.
  REQUIRE(c.ctl(2, "undrain us-east").status == 0);
  CHECK(everyNode(c, std::chrono::milliseconds(2500), [&](int i) { return c.regionFor(i) == "us-east"; }));
  for (int i = 0; i < 3; ++i) {
    CHECK(regionOf(c, i, "eu-west")["windows"][0]["state"] == "open");
    CHECK_THAT(c.node(i).log(), Catch::Contains("was held and opens now"));
  }

  // Its end: every node serves eu-west again, the window leaves P/admin (written once, by
  // whichever node noticed first) and every node's status.
  CHECK(everyNode(c, std::chrono::milliseconds(8000), [&](int i) { return c.regionFor(i) == "eu-west"; }));
  CHECK(until([&] {
    auto admin = adminInEtcd(c);
    return admin.is_object() && admin["windows"].empty();
  }, std::chrono::milliseconds(3000)));
  for (int i = 0; i < 3; ++i) {
    auto r = regionOf(c, i, "eu-west");
    INFO("node " << i + 1 << ": " << r.dump());
    CHECK_FALSE(r.contains("windows"));
    CHECK(r["drained"] == false);
  }
  auto history = c.ctl(0, "history").output;
  INFO(history);
  CHECK(count(history, "window eu-west") >= 3);  // held, opened after the hold, ended
  CHECK_THAT(history, Catch::Contains("ended"));
}
