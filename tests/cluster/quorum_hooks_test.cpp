// Clustered, a shared endpoint's health hooks fire on what every node answers on (the
// quorum's decision), not on one node's probes: a node that alone cannot reach an endpoint is
// told it is isolated and gets no health event; a real outage is told once on every node, on
// the way down and on the way back. Before, each node's hooks ran on its own probes: the blind
// node paged "down" for an endpoint every node kept serving, and said nothing when the
// cluster withdrew it.
#include <catch2/catch.hpp>

#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"
#include "tests/support/command.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/until.hpp"

using namespace lodestar::test;

namespace {

constexpr const char* kBlind = "127.0.2.1";  // node 3 cannot reach it; eu-west's first endpoint

// Every event the hooks of the daemon with PID `pid` were given, in order (the hook script
// files them by its parent's PID: the fixture gives every node the same configuration keys).
std::vector<nlohmann::json> eventsOf(const TempDir& dir, pid_t pid) {
  std::vector<nlohmann::json> out;
  std::ifstream in(dir.path() + "/events." + std::to_string(pid));
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) out.push_back(j);
  }
  return out;
}

std::vector<nlohmann::json> healthEvents(const std::vector<nlohmann::json>& events, const std::string& address,
                                         const std::string& to = "") {
  std::vector<nlohmann::json> out;
  for (const auto& e : events)
    if (e.value("event", "") == "health" && e.value("endpoint", "") == address && (to.empty() || e.value("to", "") == to))
      out.push_back(e);
  return out;
}

bool toldIsolated(const std::vector<nlohmann::json>& events) {
  for (const auto& e : events)
    if (e.value("event", "") == "cluster" && e.value("condition", "") == "isolated" && e.value("to", "") == "isolated")
      return true;
  return false;
}

std::string dump(const std::vector<nlohmann::json>& events) {
  std::string out;
  for (const auto& e : events) out += e.dump() + "\n";
  return out;
}

}  // namespace

TEST_CASE("clustered health hooks fire on the quorum's decision and a node alone in seeing an endpoint down is told "
          "it is isolated",
          "[cluster][e2e][quorum][hooks]") {
  if (!EtcdCluster::available()) LODESTAR_SKIP("etcd is not installed (apt-get install etcd-server)");
  TempDir hooks;
  const std::string record = hooks.write("record.sh", "#!/bin/sh\nprintf '%s\\n' \"$LODESTAR_EVENT\" >> " +
                                                          hooks.path() + "/events.$PPID\n");
  REQUIRE(runCommand("chmod +x " + record).status == 0);
  ClusterNodeOptions options;
  options.closedProbes = kBlind;
  options.clusterKeys = "hooks:\n  - exec: [" + record + "]\n";  // a top-level key after the cluster section
  ClusterFixture c(options);
  auto events = [&](int i) { return eventsOf(hooks, c.node(i).pid()); };

  // (a) Node 3 alone sees 127.0.2.1 down; the quorum keeps it up. Node 3's hooks hear that it
  // is isolated, and no node's hooks hear of a health change of 127.0.2.1.
  REQUIRE(until([&] { return toldIsolated(events(2)); }, std::chrono::milliseconds(15000)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a late hook would have written by now
  for (int i = 0; i < 3; ++i) {
    INFO("node ns" << i + 1 << ":\n" << dump(events(i)));
    CHECK(healthEvents(events(i), kBlind).empty());
    CHECK(c.regionFor(i) == "eu-west");
  }
  CHECK_FALSE(toldIsolated(events(0)));
  CHECK_FALSE(toldIsolated(events(1)));
  CHECK_THAT(c.node(2).log(), Catch::Contains("health: endpoint=127.0.2.1 up -> ") &&
                                  Catch::Contains("(this node's view; the cluster decides)"));

  // (b) A real outage: the quorum turns 127.0.2.1 down, and every node's hooks hear it once,
  // decided by the cluster, with the node's own view beside it.
  c.stopRegion("eu-west");
  for (int i = 0; i < 3; ++i)
    CHECK(until([&] { return !healthEvents(events(i), kBlind, "down").empty(); }, std::chrono::milliseconds(10000)));
  c.startRegion("eu-west");
  for (int i = 0; i < 3; ++i)
    CHECK(until([&] { return !healthEvents(events(i), kBlind, "up").empty(); }, std::chrono::milliseconds(15000)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // and no second one follows
  for (int i = 0; i < 3; ++i) {
    const auto all = events(i);
    INFO("node ns" << i + 1 << ":\n" << dump(all));
    const auto down = healthEvents(all, kBlind, "down"), up = healthEvents(all, kBlind, "up");
    REQUIRE(down.size() == 1);
    REQUIRE(up.size() == 1);
    for (const auto& e : healthEvents(all, kBlind)) {
      CHECK(e.value("decided_by", "") == "cluster");
      CHECK(e.value("node", "") == "ns" + std::to_string(i + 1));
      CHECK_THAT(e.value("reason", ""), Catch::Contains("quorum of 3 node(s)"));
    }
    // Node 3 saw it down all along. The others' own views may lag the decision on the way
    // down (the other node's report decided it), not on the way up (both must see it up).
    if (i == 2) CHECK(down[0].value("local", "") == "down");
    else CHECK(down[0].value("local", "") != "");
    CHECK(up[0].value("local", "") == (i == 2 ? "down" : "up"));
    CHECK(down[0].value("time", 0) <= up[0].value("time", 0));
  }
  // Back to the start: node 3 alone sees it down again, and its last word on the condition
  // is "isolated". The condition is read once a second, so an outage shorter than that (the
  // quorum can turn down and up again within one) never ended it and tells nothing more; a
  // longer one was told as its end ("ok") and is followed by "isolated" again, possibly after
  // the condition's budget refills (4 at once, then one per 15 s) when the decision swung more
  // than once under a slow build.
  const bool isolatedAgain = until([&] {
    std::string last;
    for (const auto& e : events(2))
      if (e.value("event", "") == "cluster" && e.value("condition", "") == "isolated") last = e.value("to", "");
    return last == "isolated";
  }, std::chrono::milliseconds(25000));
  INFO("node ns3:\n" << dump(events(2)));
  CHECK(isolatedAgain);
}
