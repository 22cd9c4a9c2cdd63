// This nameserver as one of several (cluster: in the main configuration). Through etcd it
// shares the operators' overrides (one key, changed only by transactions, so the safety rule
// holds cluster-wide), the history of admin actions, and its own view of every endpoint
// (under its lease: a dead node's reports vanish). With consensus quorum an endpoint is down
// when most nodes that report it see it down; a node that alone sees endpoints down is
// flagged isolated instead of withdrawing them. etcd unreachable: the last known overrides
// stay, and after the grace period the node's own probes decide again.
//
// Keys under the prefix P: P/admin (the overrides), P/history/<ms>-<node> (admin actions),
// P/nodes/<node> (one node's report, leased, rewritten every lease period as a heartbeat and
// at once when the node applies a new revision of P/admin, which it names; an admin change
// waits for every expected node's report to name its revision), P/cookie-secrets (the DNS
// cookie secrets every node answers with: ClusterCookies). Every value is read by type:
// one that is not what Lodestar writes is logged once and ignored, and nothing else is lost.
// A node name is one process's: a node does not publish while another live node's report
// holds its name, and refuses to run when that report outlives its lease period.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/cluster/cluster_link.hpp"
#include "dns/config/server_config.hpp"
#include "dns/server/admin_actions.hpp"
#include "dns/server/admin_state.hpp"
#include "dns/server/cluster_cookies.hpp"
#include "dns/server/health_events.hpp"
#include "dns/server/node_report.hpp"
#include "health/scheduler.hpp"

namespace lodestar::server {

class ClusterNode {
 public:
  /// `changed` runs on the loop whenever the overrides or an endpoint's combined health changed.
  /// `stateDir` keeps a copy of the cluster's overrides, so a node restarted while etcd is
  /// unreachable answers with them ("" keeps none).
  /// `refuse` runs on the loop when this node must not run (another live node holds its name).
  ClusterNode(loop::EventLoop& loop, const config::ClusterConfig& config, std::string version, std::string stateDir,
              std::function<void()> changed, std::function<void(const std::string& why)> refuse);
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  /// The cluster's overrides as last known (empty until the first read).
  const AdminState& admin() const noexcept { return admin_; }
  bool reachable() const noexcept { return link_.reachable(); }
  /// Unix time since when etcd has been unreachable; 0 while it is reachable.
  int64_t degradedSince() const noexcept { return degradedSince_; }
  const std::string& node() const noexcept { return config_.node; }

  /// A drain/undrain/force for the whole cluster: `decide` runs against the cluster's state and
  /// its result is written only if that state is still the one it was decided on (else it is
  /// decided again on the newer state). `done` gets the reply (with the etcd revision) once
  /// every expected node reports that revision applied, or after cluster.ack_wait: its
  /// `acknowledged` says which nodes applied it and which did not (expectedNodes()).
  using Decide = std::function<AdminDecision(const AdminState& current)>;
  void commitAdmin(Decide decide, nlohmann::json historyEntry, std::function<void(nlohmann::json reply)> done);
  /// The newest `limit` admin actions, newest first (a refused attempt has no revision).
  void history(size_t limit, std::function<void(nlohmann::json reply)> done);
  /// A refused cluster-wide attempt into the history (its `result` "refused: WHY"): it changed
  /// nothing, so it holds no revision of the overrides. A failure to write it is logged.
  void recordRefusal(nlohmann::json entry);
  /// P/admin's mod revision as this node last saw it: the state a decision is made on.
  int64_t adminRevision() const noexcept { return adminRevision_; }

  /// The DNS cookie secrets become the cluster's (P/cookie-secrets): adopted, created when
  /// absent, rotated by one node for all. Before the loop turns; `keeper` outlives this node.
  void shareCookies(CookieKeeper& keeper);

  /// The probe targets now (after start and each reload) and what this node serves.
  void setTargets(const std::vector<health::ProbeTarget>& targets, const std::string& configHash);
  /// This node's --local overrides, published in its report (status --cluster on every node).
  void setLocalOverrides(const LocalOverrides& overrides);
  /// This node's probes changed their view of an endpoint.
  void localChange(const health::StateChange& change);
  /// Whether the cluster decides this endpoint (consensus: quorum): its hooks then hear the
  /// decision (setOnDecision), not this node's probes.
  bool shares(const health::CheckSpec& check, const std::string& address) const;
  /// Runs on the control thread, from decide(), for each shared endpoint whose decision changed since it
  /// was last told. Nothing is told before this node has read the cluster's reports once (or
  /// knows etcd unreachable): until then it decides alone, and that is not the cluster's word.
  void setOnDecision(std::function<void(const ClusterDecision&)> onDecision) { onDecision_ = std::move(onDecision); }
  /// Writes the combined decision into every shared cell; true when one changed.
  bool decide();

  /// For status: one endpoint's decision and each node's view of it.
  nlohmann::json endpointViews(const health::CheckSpec& check, const std::string& address) const;
  /// For status: this node, reachability, isolation, config agreement.
  nlohmann::json summary() const;
  /// The live nodes whose reports name other zone files or geo databases (config hash) than
  /// this node serves, each with its hash: a change checked here against this node's data
  /// says nothing of their answers. Empty when every live node serves the same.
  std::map<std::string, std::string> nodesServingOtherData() const;
  /// Of what this node serves (its zone files and geo database).
  const std::string& configHash() const noexcept { return configHash_; }
  /// For status --cluster: every node's report.
  nlohmann::json nodes() const;
  /// The nodes an admin change waits for: cluster.nodes, or else every node whose report this
  /// node has seen within cluster.expect_seen_within (since it started); this node always.
  std::set<std::string> expectedNodes() const;

 private:
  struct Shared {
    std::shared_ptr<health::HealthCell> cell;
    EndpointSighting local;  // what this node's probes see
    std::string shown;       // "check|address" for people (the key holds the check's digest)
    std::shared_ptr<const health::CheckSpec> check;
    std::string address, where;  // for the decision's event
    health::Observed told;       // the decision as last told to onDecision_ (or as found)
  };
  /// How the nodes' views of one endpoint add up.
  struct Tally {
    health::Observed decision = health::Observed::Up;
    unsigned reporters = 0, down = 0, inDoubt = 0;
  };

  void onSnapshot(int64_t revision, const std::vector<cluster::KeyValue>& all);
  void onEvents(int64_t revision, const std::vector<cluster::WatchEvent>& events);
  void onReachability(bool reachable, const std::string& why);
  /// One key's new value (nullopt: deleted); true when something that matters changed.
  bool take(const std::string& key, const std::optional<std::string>& value, int64_t modRevision);
  void publishReport();
  /// Until this node holds its name: takes it when no other live node's report does.
  void claimName();
  void judgeClaim();  // a lease period later: refuses to run when the name is still held
  void attempt(std::shared_ptr<Decide> decide, nlohmann::json entry, std::function<void(nlohmann::json)> done,
               int tries);
  /// Combined state of one key from every node's view (ours included).
  health::Observed combined(const std::string& key, const Shared& s) const { return tally(key, s).decision; }
  Tally tally(const std::string& key, const Shared& s) const;
  /// For the decision's event: "quorum of 3 node(s): 2 down, 0 in doubt, 1 up".
  std::string reasonOf(const Tally& t) const;
  bool ownProbesOnly() const;
  void noteForeign(const std::string& key, const std::string& why);
  /// Every node's config hash as this node knows it (its own as it serves now).
  std::map<std::string, std::string> configsByNode() const;
  /// Logs a drift (nodes serving different files) when it starts, changes and ends.
  void noteDrift();
  void keepCopy();  // the overrides into state_dir, with their revision and the time
  void readCopy();  // at start: the copy's overrides apply until etcd answers
  void pruneHistory();  // keeps the newest kHistoryKept admin actions in etcd
  void heartbeat();     // the report again, every lease period: `seen` says the node lives

  /// A committed admin change waiting for every expected node to report it applied.
  struct AckWait {
    int64_t revision = 0;
    std::set<std::string> expected;
    std::chrono::steady_clock::time_point start;
    nlohmann::json response;
    std::function<void(nlohmann::json)> done;
    loop::EventLoop::TimerId timer = 0;
  };
  void waitForAcks(int64_t revision, std::chrono::steady_clock::time_point sent, nlohmann::json response,
                   std::function<void(nlohmann::json)> done);
  void checkAcks();
  void finishAck(const std::shared_ptr<AckWait>& wait);
  /// Whether `node` applies the overrides of `revision` or newer, as far as this node knows.
  bool hasApplied(const std::string& node, int64_t revision) const;
  /// For people: why a node has not applied a revision ("ns1 not reporting since T").
  std::string whyNotApplied(const std::string& node) const;

  loop::EventLoop& loop_;
  config::ClusterConfig config_;
  std::string version_, configHash_, stateDir_;
  int64_t started_;
  std::function<void()> changed_;
  std::function<void(const ClusterDecision&)> onDecision_;
  bool telling_ = false;  // decisions are told: the reports were read once, or etcd is known unreachable
  bool reportsRead_ = false;  // a full read of the prefix arrived (the others' views are known)
  AdminState admin_;
  int64_t adminRevision_ = 0;  // P/admin's mod revision as last seen (0: no such key)
  std::map<std::string, NodeReport> reports_;  // by node, this one's too (as etcd has it)
  std::map<std::string, int64_t> lastSeen_;    // by node: the newest heartbeat seen (kept when the report goes)
  int64_t appliedPublished_ = -1;              // the admin revision in the last report published
  std::vector<std::shared_ptr<AckWait>> acks_;
  loop::EventLoop::TimerId heartbeatTimer_ = 0;
  std::map<std::string, Shared> shared_;       // by endpointKey()
  LocalOverrides localOverrides_;              // this node's --local ones, in its report
  int64_t degradedSince_ = 0;
  std::string degradedWhy_;  // what the link said when etcd became unreachable
  std::set<std::string> driftHashes_;  // the config hashes of a drift told in the log (empty: none)
  // The copy of the overrides read at start (for the messages), and the revision last copied.
  std::string savedCopy_;
  int64_t savedRevision_ = 0, savedAt_ = 0, copiedRevision_ = -1;
  bool everReachable_ = false;
  uint64_t commits_ = 0;
  std::set<std::string> foreignSeen_;  // keys already logged as foreign or broken
  std::function<void(const std::string&)> refuse_;
  const std::string instance_;  // this run's id in its report
  bool claimed_ = false;        // the name is ours: the report is published
  bool claimWaiting_ = false;   // another live node's report holds the name; its lease may end
  std::string claimHolder_;     // that node, for the messages
  std::unique_ptr<ClusterCookies> cookies_;  // with cookies on: the secrets shared through etcd
  cluster::ClusterLink link_;           // last: its threads call back into the members above
};

/// The copy of the cluster's overrides in state_dir.
inline constexpr const char* kClusterAdminCache = "cluster-admin-state.json";

/// The key of an endpoint in node reports: the check's identity (a digest of every field but
/// its name, as the local health cells are keyed) and the address, so that one health cell
/// is one key on every node.
std::string endpointKey(const health::CheckSpec& check, const std::string& address);

}  // namespace lodestar::server
