// What lodestarctl tells an operator in a cluster (issue 25, "messages and small truths"):
// refused attempts in the cluster's history, the history of this node when etcd is away, and
// the race's loser told who changed the overrides under it, what and at which revision.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <iostream>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"

using namespace lodestar::test;

namespace {

// Waits until node `i`'s status says `pred`.
template <typename Pred>
bool eventually(ClusterFixture& c, int i, Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(8000)) {
  for (auto start = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - start < limit;) {
    auto j = nlohmann::json::parse(c.ctl(i, "status --json").output, nullptr, false);
    if (!j.is_discarded() && pred(j["result"])) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("refused attempts are in the cluster's history and with etcd down history shows this node's audit log and says so",
          "[cluster][e2e][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(c.ctl(0, "drain ap-northeast --reason setup").status == 0);
  REQUIRE(c.ctl(0, "drain us-east --reason setup").status == 0);
  auto refused = c.ctl(1, "drain eu-west --reason 'the last one'");
  INFO(refused.output);
  REQUIRE(refused.status == 1);
  // Read on another node: the cluster's history, refusal included, with no revision of its own.
  std::string history;
  for (int i = 0; i < 30; ++i) {
    history = c.ctl(2, "history").output;
    if (history.find("refused") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(history);
  CHECK_THAT(history, Catch::Contains("drain eu-west  on ns2  by uid ") &&
                          Catch::Contains("\"the last one\"  refused: this would leave www.gtm.example.test."));
  CHECK(std::regex_search(history, std::regex("refused: [^\n]*fail-open answer\\)\n")));  // no revision
  CHECK(std::regex_search(history, std::regex("drain us-east  on ns1  by uid \\d+  \"setup\"  ok  revision \\d+")));

  c.etcd().stopAll();
  CHECK(eventually(c, 1, [](const nlohmann::json& s) { return s["cluster"].contains("degraded_since"); }));
  auto local = c.ctl(1, "history");
  INFO(local.output);
  CHECK(local.status == 0);
  CHECK_THAT(local.output, Catch::StartsWith("etcd is unreachable, so this is not the cluster's history: these are this "
                                             "node's own entries only"));
  CHECK_THAT(local.output, Catch::Contains("drain eu-west  by uid ") && Catch::Contains("refused: this would leave"));
  CHECK_THAT(local.output, !Catch::Contains("drain us-east"));  // ns1's action: not in ns2's audit log
  auto json = nlohmann::json::parse(c.ctl(1, "--json history").output, nullptr, false);
  REQUIRE(!json.is_discarded());
  CHECK(json["result"]["source"] == "local");
  // An attempt that could not reach etcd is in this node's audit log, failed with the reason.
  c.ctl(1, "force-up eu-west --reason unreachable");
  CHECK_THAT(c.ctl(1, "history").output, Catch::Contains("\"unreachable\"  failed: the cluster's etcd cannot be reached"));
  // A dry run says what the command would: fail, etcd being away (exit 3).
  auto dry = c.ctl(1, "force-up eu-west --dry-run");
  INFO(dry.output);
  CHECK(dry.status == c.ctl(1, "force-up eu-west").status);
  CHECK(dry.status == 3);
  CHECK_THAT(dry.output, Catch::Contains("dry run, nothing changed: etcd is unreachable from this node, so the command "
                                         "would fail now"));
}

TEST_CASE("the race's loser is told who changed the overrides under it and what and at which revision",
          "[cluster][e2e][race][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(c.ctl(0, "drain ap-northeast --reason race-setup").status == 0);
  int told = 0, rounds = 10;
  for (int round = 0; round < rounds; ++round) {
    auto a = std::async(std::launch::async, [&] { return c.ctl(0, "drain us-east --reason race-a"); });
    auto b = std::async(std::launch::async, [&] { return c.ctl(1, "drain eu-west --reason race-b"); });
    auto ra = a.get(), rb = b.get();
    INFO("round " << round << "\nns1: " << ra.output << "\nns2: " << rb.output);
    REQUIRE((ra.status == 0) != (rb.status == 0));
    const bool aWon = ra.status == 0;
    const auto& winner = aWon ? ra : rb;
    const auto& loser = aWon ? rb : ra;
    std::smatch m;
    REQUIRE(std::regex_search(winner.output, m, std::regex("\\(revision (\\d+)\\)")));
    const std::string revision = m[1];
    const std::string who = aWon ? "on ns1 ran 'drain us-east' (race-a)" : "on ns2 ran 'drain eu-west' (race-b)";
    CHECK_THAT(loser.output, Catch::Contains("refused: this would leave"));
    CHECK_THAT(loser.output, Catch::Contains("etcd revision " + revision) && Catch::Contains(who));
    told += loser.output.find(who) != std::string::npos;
    auto json = nlohmann::json::parse(c.ctl(aWon ? 1 : 0, std::string("--json drain ") + (aWon ? "eu-west" : "us-east")).output,
                                      nullptr, false);
    REQUIRE(!json.is_discarded());
    CHECK(json["last_change"]["revision"] == std::stoll(revision));
    CHECK(json["last_change"]["node"] == (aWon ? "ns1" : "ns2"));
    REQUIRE(c.ctl(2, std::string("undrain ") + (aWon ? "us-east" : "eu-west")).status == 0);
  }
  std::cout << "cluster race: the loser named the winner's node, command and revision in " << told << " of " << rounds
            << " rounds\n";
  CHECK(told == rounds);
}
