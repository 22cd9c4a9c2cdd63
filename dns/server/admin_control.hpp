// The operator's overrides in a running daemon: restored at start, changed by drain, undrain
// and force (decided by admin_actions.hpp), saved, applied, audited and logged; maintenance
// windows stepped by the clock; the state file watched for changes behind our back.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/admin_state.hpp"
#include "dns/server/cluster_node.hpp"
#include "dns/server/control_server.hpp"
#include "health/hooks.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

class AdminControl {
 public:
  using CurrentView = std::function<const zones::View&()>;
  /// The served view's override table, the one writable handle to it (zones/admin_cells.hpp).
  using CurrentCells = std::function<zones::AdminCells&()>;

  /// `stateDir` empty: no override can be made (it would not survive a restart).
  AdminControl(std::string stateDir, CurrentView currentView, CurrentCells currentCells);

  /// At start, before the first query is answered: the saved overrides (a damaged file is
  /// logged, and rewritten from the entries kept).
  void restore();
  /// Clustered: the cluster's overrides join this node's (which become its --local ones).
  void setCluster(ClusterNode* cluster) {
    cluster_ = cluster;
    shareLocalOverrides();
  }
  /// Where admin events go besides the log (the hooks): a window held, or opened after a hold.
  void setEvents(std::function<void(const health::HookEvent&)> events) { events_ = std::move(events); }

  /// The overrides in effect: the cluster's, with this node's --local ones over them (alone:
  /// this node's only), and the cluster's windows as this node judged them (held or open).
  AdminState effective() const;
  /// This node's own overrides (clustered: the --local ones).
  const AdminState& local() const noexcept { return admin_; }
  /// Entries of a damaged state file found at start, with reasons.
  const std::vector<std::string>& droppedOverrides() const noexcept { return dropped_; }

  /// Applies the overrides in effect to the live view (windows due are judged first).
  void applyEffective();
  /// Once a second: stepWindows(), clustered the ended windows removed from etcd (by the
  /// first node whose tick comes), and every fifth call, check the file.
  void tick(int64_t now);
  /// Judges, opens and closes maintenance windows, drops ended local ones: at each window's
  /// edge (the daemon's timer, nextWindowEdge()) and every tick.
  void stepWindows(int64_t now);
  /// The next instant after `now` at which a window of the overrides in effect starts or
  /// ends (0: none), for the daemon to step the windows exactly then.
  int64_t nextWindowEdge(int64_t now) const { return effective().nextWindowEdge(now); }
  /// drain / undrain / force from the control socket: saved (in state_dir, or in etcd for the
  /// whole cluster), applied, audited, logged, then answered.
  void execute(const std::string& command, const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply);

 private:
  void executeClusterWide(const std::string& command, const nlohmann::json& args, uid_t uid, int64_t now,
                          const ControlServer::Reply& reply);
  /// A cluster-wide refusal by the safety rule, told which change of the overrides it was
  /// decided against (the history entry of `revision`: who, on which node, what, when), and
  /// whether that change came under the request (`revision` > `firstRevision`).
  void explainRefusal(nlohmann::json response, int64_t firstRevision, int64_t revision, const ControlServer::Reply& reply);
  /// How many of the newest history entries are searched for that change.
  static constexpr size_t kHistoryLookBack = 20;
  void audit(const std::string& command, const nlohmann::json& args, uid_t uid, int64_t now, bool local,
             const std::string& result, int64_t revision) const;
  void saveOrLog(const std::string& what);
  /// Clustered: this node's --local drains and forces into its report, for every node to show.
  void shareLocalOverrides();
  /// Clustered: a cluster-wide undrain or auto that leaves this node's --local override in
  /// place says so, and fails (exit 1): the region still does not serve here.
  void noteLocalOverride(const std::string& command, const nlohmann::json& args, nlohmann::json& response) const;
  void checkStateFile();
  /// Judges the windows due since the last time (admin_rules.hpp judgeWindows): the local
  /// ones are saved, the cluster's are kept as this node's verdicts and holds and releases
  /// written to etcd. Each hold is logged as an error and sent to the hooks.
  void judge(int64_t now);
  void tellVerdict(const AdminState::Window& w, bool held);
  /// Logs the regions drained when the set of open windows changed since last seen; true then.
  bool noteOpenWindows(const AdminState& effective, int64_t now);
  /// Clustered: a held window's new state, or the ended windows' removal, written to etcd by
  /// the node that noticed (decided again on a newer state: idempotent).
  void commitWindowChange(AdminState::Window judged, int64_t now);
  void dropEndedClusterWindows(int64_t now);

  std::string stateDir_;
  CurrentView currentView_;
  CurrentCells currentCells_;
  ClusterNode* cluster_ = nullptr;
  AdminState admin_;                             // persisted in state_dir (clustered: the --local ones)
  std::vector<std::string> dropped_;             // entries of a damaged state file, with reasons
  std::string damageSeen_;                       // the last damaged state file found
  std::vector<std::string> windowsOpen_;          // the windows open at the last step, by identity
  int64_t judgedUntil_ = 0;                       // windows starting up to here have been judged
  std::vector<AdminState::Window> verdicts_;      // the cluster's windows as this node judged them
  bool droppingEnded_ = false;                    // a removal of ended windows is on its way to etcd
  int64_t nextDropTry_ = 0;
  std::function<void(const health::HookEvent&)> events_;
  std::set<std::string> unknownNamed_;           // regions of the overrides this view lacks (logged once)
  uint64_t ticks_ = 0;
};

}  // namespace lodestar::server
