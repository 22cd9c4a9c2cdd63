// What the log and status say about the cluster itself (issue 25, "messages and small
// truths"), against a real three-member etcd: one member going is a warning naming it, never
// an error that pages; a lost quorum says which member answers without a leader; a node started
// during an outage says what it answers with; a degraded status marks every other node's view
// as stale; a heartbeat keeps a live node's report fresh; nodes serving different files are
// logged when it starts and when it ends, and shown near the top of plain status.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"
#include "tests/support/cluster_status.hpp"

using namespace lodestar::test;
using Clock = std::chrono::steady_clock;

namespace {

template <typename Pred>
bool within(std::chrono::milliseconds limit, Pred pred) {
  for (auto start = Clock::now(); Clock::now() - start < limit;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool degraded(const nlohmann::json& s) { return s.value("cluster", nlohmann::json::object()).contains("degraded_since"); }

// The lines of `log` that contain `what`.
std::vector<std::string> linesWith(const std::string& log, const std::string& what) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find(what) != std::string::npos) out.push_back(line);
  return out;
}

int memberOf(ClusterFixture& c, const std::string& url) {
  const auto all = c.etcd().endpoints();
  for (size_t m = 0; m < all.size(); ++m)
    if (all[m] == url) return static_cast<int>(m);
  return -1;
}

std::string firstLines(const std::string& text, int n) {
  size_t at = 0;
  for (int k = 0; k < n; ++k) {
    at = text.find('\n', at);
    if (at == std::string::npos) return text;
    ++at;
  }
  return text.substr(0, at);
}

}  // namespace

TEST_CASE("one etcd member of three going away logs a warning naming it, no error, and status never says DEGRADED",
          "[cluster][e2e][messages][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  // The member node 1's watch runs through: its watch breaks (the worst case for this node).
  const std::string url = statusOf(c, 0)["cluster"]["watch"].value("member", std::string());
  const int member = memberOf(c, url);
  REQUIRE(member >= 0);
  std::vector<size_t> seen;
  for (int i = 0; i < 3; ++i) seen.push_back(c.node(i).log().size());

  // Status asked all along: not once DEGRADED.
  std::atomic<bool> polling{true}, sawDegraded{false};
  std::thread poll([&] {
    while (polling)
      for (int i = 0; i < 3 && polling; ++i)
        if (degraded(statusOf(c, i))) sawDegraded = true;
  });
  c.etcd().stop(member);
  auto r = c.ctl((member + 1) % 3, "drain eu-west --reason one-member-down");
  INFO(r.output);
  CHECK(r.status == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  polling = false;
  poll.join();
  CHECK_FALSE(sawDegraded);
  for (int i = 0; i < 3; ++i) {
    const std::string after = c.node(i).log().substr(seen[static_cast<size_t>(i)]);
    INFO("node " << i + 1 << " logged after the member stopped:\n" << after);
    CHECK(linesWith(after, "error:").empty());
    CHECK(linesWith(after, "degraded").empty());
  }
  // Node 1 watched through it: one warning names the member it left and where it went.
  const auto moved = linesWith(c.node(0).log().substr(seen[0]), url);
  INFO(c.node(0).log().substr(seen[0]));
  REQUIRE(moved.size() == 1);
  CHECK_THAT(moved[0], Catch::Contains(" warning: cluster: etcd member " + url + " went away under the watch (") &&
                           Catch::Contains("); the watch goes on through http://"));
  std::cout << "one etcd member down, node 1's log: " << moved[0] << "\n";
  const auto human = c.ctl(0, "status").output;
  CHECK_THAT(human, !Catch::Contains("DEGRADED"));
  CHECK_THAT(human, Catch::Contains("watch moved at ") && Catch::Contains("left " + url));
}

TEST_CASE("etcd without quorum: the log and a refused drain name the member that answers without a leader",
          "[cluster][e2e][messages][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  const auto urls = c.etcd().endpoints();
  const int kept = memberOf(c, statusOf(c, 0)["cluster"]["watch"].value("member", std::string()));
  REQUIRE(kept >= 0);
  const size_t seen = c.node(0).log().size();
  for (int m = 0; m < 3; ++m)
    if (m != kept) c.etcd().stop(m);
  REQUIRE(within(std::chrono::milliseconds(15000), [&] { return degraded(statusOf(c, 0)); }));
  const auto lines = linesWith(c.node(0).log().substr(seen), "cluster degraded since");
  INFO(c.node(0).log().substr(seen));
  REQUIRE(lines.size() == 1);
  std::cout << "etcd quorum lost, node 1's log: " << lines[0] << "\n";
  // Before: "no etcd member answered (…<kept>: Timeout was reached; …)" while that member was up.
  CHECK_THAT(lines[0], !Catch::Contains("no etcd member answered"));
  CHECK_THAT(lines[0], Catch::Contains("etcd has no quorum"));
  CHECK_THAT(lines[0], Catch::Contains(urls[static_cast<size_t>(kept)] + " is up"));
  for (int m = 0; m < 3; ++m)
    if (m != kept) CHECK_THAT(lines[0], Catch::Contains(urls[static_cast<size_t>(m)] + ": not reachable ("));

  // A drain a moment later: refused (exit 3) with the same account; by now the member knows it
  // has no leader.
  std::string output;
  CHECK(within(std::chrono::milliseconds(8000), [&] {
    auto r = c.ctl(0, "drain eu-west");
    output = r.output;
    return r.status == 3 && output.find("no leader") != std::string::npos;
  }));
  INFO(output);
  std::cout << "etcd quorum lost, drain: " << output;
  CHECK_THAT(output, Catch::Contains("etcd has no quorum") && Catch::Contains(urls[static_cast<size_t>(kept)] + " is up"));
  CHECK_THAT(c.ctl(0, "status").output, Catch::Contains("etcd has no quorum"));

  for (int m = 0; m < 3; ++m)
    if (m != kept) c.etcd().start(m);
  CHECK(within(std::chrono::milliseconds(15000), [&] { return !degraded(statusOf(c, 0)); }));
}

TEST_CASE("a node started while etcd is unreachable logs the overrides it answers with and that etcd is unreachable",
          "[cluster][e2e][messages][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  auto j = nlohmann::json::parse(c.ctl(0, "drain ap-northeast --json --reason before-the-outage").output, nullptr, false);
  REQUIRE(j.is_object());
  const int64_t revision = j["result"].value("revision", int64_t(0));
  REQUIRE(revision > 0);
  REQUIRE(within(std::chrono::milliseconds(5000), [&] {
    return statusOf(c, 1)["cluster"].value("admin_revision", int64_t(0)) >= revision;
  }));
  c.etcd().stopAll();
  REQUIRE(within(std::chrono::milliseconds(8000), [&] { return degraded(statusOf(c, 1)); }));
  c.restartNode(1);
  std::vector<std::string> lines;
  CHECK(within(std::chrono::milliseconds(5000), [&] {
    return !(lines = linesWith(c.node(1).log(), "started while etcd is unreachable")).empty();
  }));
  INFO(c.node(1).log());
  REQUIRE(lines.size() == 1);
  std::cout << "node started during an etcd outage: " << lines[0] << "\n";
  CHECK(std::regex_search(lines[0], std::regex("answers with the cluster's overrides as last saved \\(.*/state/"
                                               "cluster-admin-state\\.json, revision " +
                                               std::to_string(revision) + ", saved at \\d{4}-\\d\\d-\\d\\dT")));
  CHECK_THAT(lines[0], Catch::Contains("no etcd member answered"));
  const auto human = c.ctl(1, "status").output;
  INFO(human);
  CHECK_THAT(human, Catch::Contains("DEGRADED since"));
  CHECK_THAT(human, Catch::Contains("overrides as last saved at revision " + std::to_string(revision)));
}

TEST_CASE("while etcd is unreachable status says every other node's view is as last known, stale",
          "[cluster][e2e][messages][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  c.stopRegion("eu-west");
  auto euDown = [&](const nlohmann::json& s) {
    for (const auto& r : s.value("regions", nlohmann::json::array()))
      if (r["region"] == "eu-west")
        for (const auto& e : r["endpoints"])
          if (e.value("serving", true)) return false;
    return true;
  };
  REQUIRE(within(std::chrono::milliseconds(10000), [&] { return euDown(statusOf(c, 0)); }));
  c.etcd().stopAll();
  REQUIRE(within(std::chrono::milliseconds(8000), [&] { return degraded(statusOf(c, 0)); }));
  // Before the grace period (3 s): the quorum of the views known when etcd went away.
  auto human = c.ctl(0, "status").output;
  INFO(human);
  std::cout << "degraded status, before cluster.grace:\n" << human;
  // Before: "NOT serving (most nodes' health checks fail)" over "quorum: down; ns1 down ns2
  // down ns3 down", as if current.
  CHECK_THAT(human, !Catch::Contains("NOT serving (most nodes' health checks fail)"));
  CHECK_THAT(human, Catch::Contains("NOT serving (most nodes' health checks failed as last known at "));
  CHECK_THAT(human, Catch::Contains("quorum of the views as last known at "));
  CHECK_THAT(human, Catch::Contains("(stale: etcd unreachable)"));
  CHECK_THAT(firstLines(human, 2), Catch::Contains("STALE: the other nodes' reports and views below are as last known at "));
  auto cluster = c.ctl(0, "status --cluster").output;
  CHECK_THAT(cluster, Catch::Contains("node ns2: as last known at "));
  CHECK_THAT(cluster, !Catch::Contains("node ns2: alive"));
  // After it: this node's probes decide; the others' views are shown as not counted.
  CHECK(within(std::chrono::milliseconds(6000), [&] {
    return c.ctl(0, "status").output.find("this node's probes (etcd unreachable") != std::string::npos;
  }));
  human = c.ctl(0, "status").output;
  INFO(human);
  std::cout << "degraded status, after cluster.grace:\n" << human;
  CHECK_THAT(human, Catch::Contains("NOT serving (this node's health checks fail; etcd unreachable since "));
  CHECK_THAT(human, Catch::Contains("not counted, as last known at "));
}

TEST_CASE("a live node's last heartbeat is never older than its lease period", "[cluster][e2e][messages]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  ClusterFixture c;
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  // Nothing changes for 2.5 lease periods (lease 2 s): the reports are rewritten anyway.
  std::this_thread::sleep_for(std::chrono::milliseconds(5000));
  for (int i = 0; i < 3; ++i) {
    auto s = statusOf(c, i, "--cluster");
    const int64_t now = std::time(nullptr);
    REQUIRE(s["cluster"]["nodes"].size() == 3);
    for (const auto& n : s["cluster"]["nodes"]) {
      INFO("on node " << i + 1 << ": " << n.dump());
      CHECK(now - n["last_seen"].get<int64_t>() <= 3);
      CHECK(now - n["started"].get<int64_t>() >= 5);
    }
  }
  CHECK_THAT(c.ctl(0, "status --cluster").output, Catch::Contains("last heartbeat"));
}

TEST_CASE("nodes serving different zone files are logged once when it starts and once when it ends, and shown at "
          "the top of plain status",
          "[cluster][e2e][messages][config][regression]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  const std::string zone = R"(zone: other.test
ttl: 300
soa: {mname: ns1, rname: hostmaster, serial: 1, refresh: 3600, retry: 600, expire: 1209600, minimum: 60}
nameservers:
  ns1: 127.0.0.1
regions:
  us-east:      { latitude: 39.0, longitude: -77.5 }
  eu-west:      { latitude: 53.3, longitude: -6.3 }
  ap-northeast: { latitude: 35.7, longitude: 139.7 }
pools:
  web:
    regions:
      us-east:      [127.0.1.1]
      eu-west:      [127.0.2.1]
      ap-northeast: [127.0.3.1]
records:
  pay:
    steer: {policy: failover, pool: web, order: [ORDER]}
)";
  auto withOrder = [&](const std::string& order) { return std::regex_replace(zone, std::regex("ORDER"), order); };
  ClusterNodeOptions options;
  options.extraZoneFile = withOrder("eu-west, us-east");
  options.extraZoneFileOnNode3 = withOrder("eu-west, us-east, ap-northeast");
  ClusterFixture c(options);
  REQUIRE(allNodesUp(c, std::chrono::milliseconds(10000)));
  auto nodes = statusOf(c, 0, "--cluster")["cluster"]["nodes"];
  REQUIRE(nodes.size() == 3);
  std::map<std::string, std::string> hash;
  for (const auto& n : nodes) hash[n["node"]] = n["config_hash"].get<std::string>().substr(0, 12);
  REQUIRE(hash["ns3"] != hash["ns1"]);
  const std::string starts = "cluster: the nodes serve different zone files or geo databases";
  // Heartbeats come and go: still once.
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  for (int i = 0; i < 3; ++i) {
    const auto lines = linesWith(c.node(i).log(), starts);
    INFO("node " << i + 1 << ":\n" << c.node(i).log());
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains(" warning: " + starts));
    CHECK_THAT(lines[0], Catch::Contains("ns3 " + hash["ns3"]) && Catch::Contains("ns1 " + hash["ns1"]) &&
                             Catch::Contains("ns2 " + hash["ns2"]));
    if (i == 0) std::cout << "drift begins, node 1's log: " << lines[0] << "\n";
  }
  auto human = c.ctl(0, "status").output;
  INFO(human);
  CHECK_THAT(firstLines(human, 2), Catch::Contains("WARNING: the nodes serve different zone files or geo databases"));

  // The rolling change done: ns3 serves the same files; each node says so once.
  const auto extra = [&](int i) {
    return (std::filesystem::path(c.configOf(i)).parent_path() / "zones" / "extra.yaml").string();
  };
  std::filesystem::copy_file(extra(0), extra(2), std::filesystem::copy_options::overwrite_existing);
  REQUIRE(c.ctl(2, "reload").status == 0);
  const std::string ends = "cluster: the nodes serve the same zone files and geo database again";
  for (int i = 0; i < 3; ++i) {
    INFO("node " << i + 1 << ":\n" << c.node(i).log());
    CHECK(within(std::chrono::milliseconds(5000), [&] { return !linesWith(c.node(i).log(), ends).empty(); }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  for (int i = 0; i < 3; ++i) {
    const auto lines = linesWith(c.node(i).log(), ends);
    INFO("node " << i + 1 << ":\n" << c.node(i).log());
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains(" info: " + ends) && Catch::Contains("config " + hash["ns1"]));
    if (i == 0) std::cout << "drift ends, node 1's log: " << lines[0] << "\n";
    CHECK(linesWith(c.node(i).log(), starts).size() == 1);
  }
  CHECK_THAT(c.ctl(0, "status").output, !Catch::Contains("WARNING: the nodes serve different"));
}
