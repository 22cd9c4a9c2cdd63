// The main configuration file.
#include <catch2/catch.hpp>

#include "dns/config/server_config.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::config;
using lodestar::test::TempDir;

TEST_CASE("listen addresses parse with and without ports", "[config]") {
  auto a = parseListenAddress("127.0.0.1:5353");
  REQUIRE(a);
  CHECK(a->port == 5353);
  auto b = parseListenAddress("[::1]:53");
  REQUIRE(b);
  CHECK(b->address.family == lodestar::wire::Family::IPv6);
  auto c = parseListenAddress("::1");
  REQUIRE(c);
  CHECK(c->port == 53);
  CHECK_FALSE(parseListenAddress("127.0.0.1:99999"));
  CHECK_FALSE(parseListenAddress("localhost:53"));
  CHECK_FALSE(parseListenAddress("[::1"));
}

TEST_CASE("the main config resolves relative paths and rejects unknown keys", "[config]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto c = loadServerConfig(dir.write("l.yaml", "listen: [127.0.0.1:53]\nworkers: 3\nzones: [zones/]\n"
                                                "state_dir: st\ntcp: {idle_timeout: 500ms}\n"),
                            d);
  INFO(d.report());
  REQUIRE(c);
  CHECK(c->workers == 3);
  CHECK(c->zonePaths == std::vector<std::string>{dir.path() + "/zones/"});
  CHECK(c->stateDir == dir.path() + "/st");
  CHECK(c->tcpIdleTimeout == std::chrono::milliseconds(500));

  lodestar::yaml::Diagnostics bad;
  CHECK_FALSE(loadServerConfig(dir.write("b.yaml", "listen: [127.0.0.1:53]\nzones: []\nworkres: 2\n"), bad));
  CHECK_THAT(bad.report(), Catch::Contains("b.yaml:3:1: workres: unknown key"));
}

TEST_CASE("tcp: the slow-client limits are read with their defaults, and out-of-range ones refused", "[config]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto plain = loadServerConfig(dir.write("p.yaml", "listen: [127.0.0.1:53]\nzones: []\n"), d);
  REQUIRE(plain);
  CHECK(plain->tcpMaxConnections == 1024);
  CHECK(plain->tcpMessageTimeout == std::chrono::seconds(2));
  CHECK(plain->tcpMaxPerPrefix == 128);
  CHECK(plain->tcpPrefixV4 == 24);
  CHECK(plain->tcpPrefixV6 == 56);
  auto set = loadServerConfig(dir.write("s.yaml", "listen: [127.0.0.1:53]\nzones: []\n"
                                                  "tcp: {message_timeout: 500ms, max_per_prefix: 16, prefix_v4: 32, prefix_v6: 64}\n"),
                              d);
  INFO(d.report());
  REQUIRE(set);
  CHECK(set->tcpMessageTimeout == std::chrono::milliseconds(500));
  CHECK(set->tcpMaxPerPrefix == 16);
  CHECK(set->tcpPrefixV4 == 32);
  CHECK(set->tcpPrefixV6 == 64);
  lodestar::yaml::Diagnostics bad;
  CHECK_FALSE(loadServerConfig(dir.write("b.yaml", "listen: [127.0.0.1:53]\nzones: []\ntcp: {prefix_v4: 33}\n"), bad));
  CHECK_THAT(bad.report(), Catch::Contains("tcp.prefix_v4"));
}

TEST_CASE("cluster: is read with its defaults, and each mistake is named with its place", "[config][cluster]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto c = loadServerConfig(dir.write("c.yaml", "listen: [127.0.0.1:53]\nzones: []\n"
                                                "cluster:\n  etcd: [http://127.0.0.1:2379/, https://10.0.0.2:2379]\n"
                                                "  node: ns1.eu\n  prefix: /gtm\n  lease: 3s\n"),
                            d);
  INFO(d.report());
  REQUIRE(c);
  REQUIRE(c->cluster);
  CHECK(c->cluster->etcd == std::vector<std::string>{"http://127.0.0.1:2379", "https://10.0.0.2:2379"});
  CHECK(c->cluster->node == "ns1.eu");
  CHECK(c->cluster->prefix == "/gtm/");
  CHECK(c->cluster->lease == std::chrono::seconds(3));
  CHECK(c->cluster->grace == std::chrono::seconds(10));
  auto alone = loadServerConfig(dir.write("a.yaml", "listen: [127.0.0.1:53]\nzones: []\n"), d);
  REQUIRE(alone);
  CHECK_FALSE(alone->cluster);

  auto bad = [&](const std::string& cluster, const std::string& message) {
    lodestar::yaml::Diagnostics diags;
    CHECK_FALSE(loadServerConfig(dir.write("b.yaml", "listen: [127.0.0.1:53]\nzones: []\ncluster:\n" + cluster), diags));
    INFO(diags.report());
    CHECK_THAT(diags.report(), Catch::Contains(message));
  };
  bad("  node: ns1\n", "b.yaml:4:3: cluster: missing key 'etcd'");
  bad("  etcd: [127.0.0.1:2379]\n  node: ns1\n", "cluster.etcd: '127.0.0.1:2379' is not an http:// or https:// URL");
  bad("  etcd: [http://e:2379]\n", "missing key 'node'");
  bad("  etcd: [http://e:2379]\n  node: 'ns 1'\n", "b.yaml:5:9: cluster.node: 'ns 1' is not a node name");
  bad("  etcd: [http://e:2379]\n  node: n\n  prefix: gtm\n", "cluster.prefix: the key prefix must start with '/'");
  bad("  etcd: [http://e:2379]\n  node: n\n  lease: 1s\n", "cluster.lease: 1s is out of range [2s, 10m]");
  // A prefix that could lie inside another cluster's (/th/nodes/ inside /th/): refused.
  bad("  etcd: [http://e:2379]\n  node: n\n  prefix: /th/nodes/\n", "cluster.prefix: '/th/nodes/' has the segment 'nodes'");
  bad("  etcd: [http://e:2379]\n  node: n\n  prefix: /a/history/b\n", "has the segment 'history'");
  bad("  etcd: [http://e:2379]\n  node: n\n  prefix: /admin\n", "has the segment 'admin'");
  bad("  etcd: [http://e:2379]\n  node: n\n  tls: {ca: /nonexistent/ca.pem}\n", "cluster.tls.ca: cannot read '/nonexistent/ca.pem'");
  bad("  etcd: [http://e:2379]\n  node: n\n  password: x\n", "cluster.password: a password needs 'user'");
  // nodes: the nodes an admin change waits for; it must name this node.
  bad("  etcd: [http://e:2379]\n  node: n\n  nodes: 3\n", "cluster.nodes: the list does not name this node (n)");
  bad("  etcd: [http://e:2379]\n  node: n\n  nodes: [n, 'a b']\n", "cluster.nodes: 'a b' is not a node name");
  bad("  etcd: [http://e:2379]\n  node: n\n  ack_wait: 10ms\n", "cluster.ack_wait: 10ms is out of range");
  bad("  etcd: [http://e:2379]\n  node: n\n  expect_seen_within: 1s\n", "cluster.expect_seen_within: 1s is out of range");
  bad("  etcd: [http://e:2379]\n  node: n\n  heartbeat: 1s\n", "cluster.heartbeat: unknown key");
}

TEST_CASE("cluster: the nodes an admin change waits for, and how long", "[config][cluster]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto c = loadServerConfig(dir.write("c.yaml", "listen: [127.0.0.1:53]\nzones: []\ncluster:\n  etcd: [http://e:2379]\n"
                                                "  node: ns2\n  nodes: [ns1, ns2, ns3]\n  ack_wait: 500ms\n"
                                                "  expect_seen_within: 2h\n"),
                            d);
  INFO(d.report());
  REQUIRE(c);
  REQUIRE(c->cluster);
  CHECK(c->cluster->nodes == std::vector<std::string>{"ns1", "ns2", "ns3"});
  CHECK(c->cluster->ackWait == std::chrono::milliseconds(500));
  CHECK(c->cluster->expectSeenWithin == std::chrono::hours(2));
  auto defaults = loadServerConfig(dir.write("d.yaml", "listen: [127.0.0.1:53]\nzones: []\ncluster:\n  etcd: [http://e:2379]\n"
                                                       "  node: ns2\n"),
                                   d);
  REQUIRE(defaults);
  CHECK(defaults->cluster->nodes.empty());
  CHECK(defaults->cluster->ackWait == std::chrono::seconds(2));
  CHECK(defaults->cluster->expectSeenWithin == std::chrono::hours(1));
}

TEST_CASE("xdp: is read with its defaults, and each mistake is named with its place", "[config][xdp]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  auto c = loadServerConfig(dir.write("x.yaml", "listen: [127.0.0.1:5353, '[::1]:5353']\nzones: []\n"
                                                "xdp:\n  interface: eth1\n"),
                            d);
  INFO(d.report());
  REQUIRE(c);
  REQUIRE(c->xdp);
  CHECK(c->xdp->interface == "eth1");
  CHECK(c->xdp->queues == std::vector<uint32_t>{0});
  CHECK_FALSE(c->xdp->generic);
  auto g = loadServerConfig(dir.write("g.yaml", "listen: [127.0.0.1:53]\nzones: []\nxdp: {interface: veth0, queues: [0, 3], mode: generic}\n"), d);
  REQUIRE(g);
  CHECK(g->xdp->queues == std::vector<uint32_t>{0, 3});
  CHECK(g->xdp->generic);
  auto none = loadServerConfig(dir.write("n.yaml", "listen: [127.0.0.1:53]\nzones: []\n"), d);
  REQUIRE(none);
  CHECK_FALSE(none->xdp);

  auto bad = [&](const std::string& listen, const std::string& xdp, const std::string& message) {
    lodestar::yaml::Diagnostics diags;
    CHECK_FALSE(loadServerConfig(dir.write("b.yaml", "listen: [" + listen + "]\nzones: []\nxdp:\n" + xdp), diags));
    INFO(diags.report());
    CHECK_THAT(diags.report(), Catch::Contains(message));
  };
  bad("127.0.0.1:53", "  queues: [0]\n", "b.yaml:4:3: xdp: missing key 'interface'");
  bad("127.0.0.1:53", "  interface: a-very-long-interface-name\n", "b.yaml:4:14: xdp.interface: 'a-very-long-interface-name' is not an interface name");
  bad("127.0.0.1:53", "  interface: eth0\n  queues: [0, 0]\n", "b.yaml:5:15: xdp.queues: queue 0 is listed twice");
  bad("127.0.0.1:53", "  interface: eth0\n  queues: 1\n", "xdp.queues: expected a list of receive queue numbers");
  bad("127.0.0.1:53", "  interface: eth0\n  queues: [999]\n", "xdp.queues");
  bad("127.0.0.1:53", "  interface: eth0\n  mode: turbo\n", "b.yaml:5:9: xdp.mode: 'turbo' is not a mode");
  bad("127.0.0.1:53", "  interface: eth0\n  queue: 0\n", "xdp.queue: unknown key");
  bad("127.0.0.1:53, 127.0.0.2:5353", "  interface: eth0\n", "xdp: the listen addresses use 2 different ports");
  bad("127.0.0.1:0", "  interface: eth0\n", "xdp: the listen port is 0");
}

// Found by the server_config fuzz target: `listen: []` was accepted, and --check said ok for a
// server that answers nothing; an empty cluster prefix read the byte before the string.
TEST_CASE("an empty listen list and an empty cluster prefix are refused where written", "[config]") {
  TempDir dir;
  lodestar::yaml::Diagnostics d;
  CHECK_FALSE(loadServerConfig(dir.write("e.yaml", "listen: []\nzones: []\n"), d));
  CHECK_THAT(d.report(), Catch::Contains("e.yaml:1:9: listen: at least one address is needed"));
  lodestar::yaml::Diagnostics p;
  CHECK_FALSE(loadServerConfig(
      dir.write("p.yaml", "listen: [127.0.0.1:53]\nzones: []\ncluster: {etcd: [http://127.0.0.1:2379], node: ns1, prefix: \"\"}\n"),
      p));
  CHECK_THAT(p.report(), Catch::Contains("cluster.prefix: the key prefix must start with '/'"));
}
