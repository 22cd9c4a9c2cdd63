// Three Lodestar nodes sharing state through a real three-member etcd cluster, all on
// loopback: the demo zone on each, real HTTP backends for its three regions, and helpers to
// ask a node which region it sends a client to and to run lodestarctl against a node.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/etcd_cluster.hpp"

namespace lodestar::test {

struct ClusterNodeOptions {
  std::string consensus;      // "" (the default, quorum), "local" or "quorum"
  std::string closedProbes;   // addresses node 3 cannot probe ("" none): it runs lodestar-test-daemon
                              // with LODESTAR_TEST_CLOSED_PROBES
  bool otherZoneOnNode3 = false;  // node 3 serves one more record (a configuration mismatch)
  std::string extraZoneFile;      // one more zone policy file on every node ("" none); CHECK_PORT is replaced
  std::string clusterKeys;        // more keys of every node's cluster: section, one per line ("" none)
  std::string extraZoneFileOnNode3;  // node 3's extra zone file instead ("" the same): files that differ
};

class ClusterFixture {
 public:
  explicit ClusterFixture(ClusterNodeOptions options = {});
  EtcdCluster& etcd() { return etcd_; }
  DaemonProcess& node(int i) { return *nodes_.at(static_cast<size_t>(i)); }
  int size() const { return static_cast<int>(nodes_.size()); }
  std::string configOf(int i) const;
  /// lodestarctl -c <node i's config> ARGS.
  CommandResult ctl(int i, const std::string& args) const;
  /// The region node `i` gives www.gtm.example.test A for a client in Germany (ECS
  /// 198.51.100.0/24): "eu-west", "us-east", "ap-northeast", "" when no answer.
  std::string regionFor(int i, const std::string& name = "www.gtm.example.test");
  void startRegion(const std::string& region);
  void stopRegion(const std::string& region);
  /// SIGKILL node `i` (it leaves no goodbye).
  void killNode(int i);
  /// Stops node `i` (SIGTERM) and starts it again with the same files.
  void restartNode(int i);

 private:
  EtcdCluster etcd_;
  TempDir dir_;
  std::vector<std::string> binaries_;  // per node: "" the shipped daemon, or the test build
  uint16_t checkPort_;
  std::map<std::string, std::unique_ptr<Backend>> backends_;
  std::vector<std::unique_ptr<DaemonProcess>> nodes_;
};

}  // namespace lodestar::test
