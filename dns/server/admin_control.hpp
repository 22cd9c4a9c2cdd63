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
  void setCluster(ClusterNode* cluster) { cluster_ = cluster; }

  /// The overrides in effect: the cluster's, with this node's --local ones over them (alone:
  /// this node's only).
  AdminState effective() const;
  /// This node's own overrides (clustered: the --local ones).
  const AdminState& local() const noexcept { return admin_; }
  /// Entries of a damaged state file found at start, with reasons.
  const std::vector<std::string>& droppedOverrides() const noexcept { return dropped_; }

  /// Applies the overrides in effect to the live view.
  void applyEffective();
  /// Once a second: open and close maintenance windows; every fifth call, check the file.
  void tick(int64_t now);
  /// drain / undrain / force from the control socket: saved (in state_dir, or in etcd for the
  /// whole cluster), applied, audited, logged, then answered.
  void execute(const std::string& command, const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply);

 private:
  void executeClusterWide(const std::string& command, const nlohmann::json& args, uid_t uid, int64_t now,
                          const ControlServer::Reply& reply);
  void audit(const std::string& command, const nlohmann::json& args, uid_t uid, int64_t now, bool local,
             const std::string& result, int64_t revision) const;
  void saveOrLog(const std::string& what);
  void checkStateFile();

  std::string stateDir_;
  CurrentView currentView_;
  CurrentCells currentCells_;
  ClusterNode* cluster_ = nullptr;
  AdminState admin_;                             // persisted in state_dir (clustered: the --local ones)
  std::vector<std::string> dropped_;             // entries of a damaged state file, with reasons
  std::string damageSeen_;                       // the last damaged state file found
  std::vector<std::string> clusterWindowsOpen_;  // the cluster's windows open at the last tick
  std::set<std::string> unknownNamed_;           // regions of the overrides this view lacks (logged once)
  uint64_t ticks_ = 0;
};

}  // namespace lodestar::server
