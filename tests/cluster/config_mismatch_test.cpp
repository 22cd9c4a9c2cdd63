// One rule for the whole cluster (issue 25, item 6): the safety rule is checked on the node
// that takes a command, against its own zone files, so while the live nodes serve different
// files a change that takes serving capacity away is refused on every node with the reason,
// unless --force; once every node serves the same files again, changes are judged as before.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"
#include "tests/support/cluster_status.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/zone_texts.hpp"

using namespace lodestar::test;

namespace {

// pay fails over from eu-west to ORDER, on the demo's endpoints and check.
std::string payZone(const std::string& order) {
  return demoZoneText({.records = "  pay:\n    steer: {policy: failover, pool: web, order: [" + order + "]}\n"});
}

std::string extraZoneOf(ClusterFixture& c, int i) {
  return (std::filesystem::path(c.configOf(i)).parent_path() / "zones" / "extra.yaml").string();
}

}  // namespace

TEST_CASE("while the nodes serve different zone files, a change that takes capacity away is refused on every node "
          "with the reason, unless --force",
          "[cluster][e2e][config][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterNodeOptions options;
  options.extraZoneFile = payZone("eu-west, us-east");
  // ns3 is half-way through a rolling zone change: its pay also fails over to ap-northeast.
  options.extraZoneFileOnNode3 = payZone("eu-west, us-east, ap-northeast");
  ClusterFixture c(options);
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  REQUIRE(everyNode(c, std::chrono::milliseconds(5000),
                    [&](int i) { return statusOf(c, i)["cluster"].contains("config_mismatch"); }));

  // --force takes the change whatever the files (and whatever it strands).
  auto first = c.ctl(0, "drain eu-west --force --reason first");
  INFO(first.output);
  REQUIRE(first.status == 0);
  REQUIRE(everyNode(c, std::chrono::milliseconds(2000), [&](int i) { return c.regionFor(i, "pay.other.test") == "us-east"; }));

  // Before: accepted through ns3, whose rule saw ap-northeast left for pay; ns1 and ns2 then
  // answered pay fail-open from the drained eu-west.
  auto through3 = c.ctl(2, "drain us-east");
  INFO(through3.output);
  CHECK(through3.status == 1);
  CHECK_THAT(through3.output, Catch::Contains("refused: the nodes serve different zone files or geo databases (config "
                                              "this node ns3 "));
  CHECK_THAT(through3.output, Catch::Contains(", ns1 "));
  CHECK_THAT(through3.output, Catch::Contains(", ns2 "));
  CHECK_THAT(through3.output, Catch::Contains("cannot vouch for the others' answers; serve the same files on every "
                                              "node (then reload), or use --force"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // as long as a drain takes to reach them
  for (int i = 0; i < 3; ++i) {
    INFO("node " << i + 1);
    CHECK(c.regionFor(i, "pay.other.test") == "us-east");
    CHECK(failOpenAnswers(c, i) == 0);
  }

  // The same through a node whose rule would accept it (nothing of ns1's is stranded): the
  // nodes disagree, so it is refused there too, naming ns3; JSON says it in fields.
  auto through1 = c.ctl(0, "drain ap-northeast --json");
  INFO(through1.output);
  CHECK(through1.status == 1);
  auto refused = nlohmann::json::parse(through1.output, nullptr, false);
  REQUIRE(refused.is_object());
  CHECK(refused["code"] == "config_mismatch");
  REQUIRE(refused["other_nodes"].size() == 1);
  CHECK(refused["other_nodes"][0]["node"] == "ns3");
  CHECK(c.ctl(1, "force-down 127.0.3.1").status == 1);  // ap-northeast keeps 127.0.3.2

  // What only gives capacity back is never refused; --force is taken.
  CHECK(c.ctl(1, "undrain eu-west").status == 0);
  CHECK(c.ctl(1, "force-up ap-northeast").status == 0);
  CHECK(c.ctl(1, "auto ap-northeast --force").status == 0);
  auto forced = c.ctl(1, "drain ap-northeast --force");
  INFO(forced.output);
  CHECK(forced.status == 0);
  CHECK(c.ctl(1, "undrain ap-northeast").status == 0);
  auto history = readFile(c.configOf(2).substr(0, c.configOf(2).rfind('/')) + "/state/audit.log");
  CHECK_THAT(history, Catch::Contains("\"result\":\"refused: the nodes serve different zone files or geo databases"));

  // The rolling change done: ns3 serves the others' files; changes are judged as before.
  std::filesystem::copy_file(extraZoneOf(c, 0), extraZoneOf(c, 2), std::filesystem::copy_options::overwrite_existing);
  auto reload = c.ctl(2, "reload");
  INFO(reload.output);
  REQUIRE(reload.status == 0);
  REQUIRE(everyNode(c, std::chrono::milliseconds(5000),
                    [&](int i) { return !statusOf(c, i)["cluster"].contains("config_mismatch"); }));
  CHECK(c.ctl(0, "drain ap-northeast").status == 0);
  CHECK(c.ctl(2, "drain eu-west").status == 0);
  auto stranding = c.ctl(2, "drain us-east");
  INFO(stranding.output);
  CHECK(stranding.status == 1);
  CHECK_THAT(stranding.output, Catch::Contains("refused: this would leave pay.other.test. (every client);"));
  CHECK_THAT(stranding.output, Catch::Contains("without a usable region"));
}
