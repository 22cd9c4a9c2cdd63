// Executing admin decisions: save, apply, audit, log; windows by the clock; the state file.
#include "dns/server/admin_control.hpp"

#include <ctime>
#include <memory>

#include "dns/control/protocol.hpp"
#include "dns/server/admin_actions.hpp"
#include "dns/server/log.hpp"

namespace lodestar::server {

AdminControl::AdminControl(std::string stateDir, CurrentView currentView, CurrentCells currentCells)
    : stateDir_(std::move(stateDir)), currentView_(std::move(currentView)), currentCells_(std::move(currentCells)) {}

void AdminControl::restore() {
  if (stateDir_.empty()) return;
  auto loaded = loadAdminState(stateDir_);
  admin_ = std::move(loaded.state);
  dropped_ = std::move(loaded.dropped);
  if (loaded.damaged) {
    logLine(LogLevel::Error, loaded.message);
    saveOrLog("rewrote the admin state from the entries kept");
  } else if (!loaded.message.empty()) {
    logLine(LogLevel::Info, loaded.message);
  }
}

AdminState AdminControl::effective() const {
  if (!cluster_) return admin_;
  AdminState e = cluster_->admin();
  for (const auto& [region, d] : admin_.drained) e.drained[region] = d;
  for (const auto& [target, f] : admin_.forced) e.forced[target] = f;
  for (const auto& [target, n] : admin_.forceNotes) e.forceNotes[target] = n;
  e.windows.insert(e.windows.end(), admin_.windows.begin(), admin_.windows.end());
  return e;
}

void AdminControl::applyEffective() {
  const AdminState e = effective();
  const zones::View& view = currentView_();
  // Another node may know regions this one does not (or foreign data named one): said once.
  for (const auto& [region, d] : e.effectiveDrains(std::time(nullptr)))
    if (!view.regionId(region) && unknownNamed_.insert(region).second)
      logLine(LogLevel::Warning, "admin: the overrides drain region '" + region +
                                     "', which this node's zones do not define; ignored here");
  applyAdminState(e, view, currentCells_(), std::time(nullptr));
}

void AdminControl::tick(int64_t now) {
  auto windows = admin_.stepWindows(now);
  if (cluster_) {
    // The cluster's maintenance windows open and close on every node by the clock.
    std::vector<std::string> open;
    for (const auto& w : cluster_->admin().windows)
      if (w.start <= now && now < w.end) open.push_back(w.region + "|" + std::to_string(w.start) + "|" + std::to_string(w.end));
    if (open != clusterWindowsOpen_) {
      clusterWindowsOpen_ = std::move(open);
      windows.changed = true;
      windows.drained.clear();
      for (const auto& [region, d] : effective().effectiveDrains(now)) windows.drained.push_back(region);
    }
  }
  if (windows.changed) {
    applyAdminState(effective(), currentView_(), currentCells_(), now);
    std::string drained;
    for (const auto& region : windows.drained) drained += (drained.empty() ? "" : ", ") + region;
    logLine(LogLevel::Info, "admin: maintenance windows now drain: " + (drained.empty() ? std::string("none") : drained));
    std::string error;
    if (windows.expired && !stateDir_.empty() && !saveAdminState(stateDir_, admin_, error)) logLine(LogLevel::Error, error);
  }
  if (++ticks_ % 5 == 0) checkStateFile();
}

// Writes admin_ to state_dir; a failure is logged (the state in memory still applies).
void AdminControl::saveOrLog(const std::string& what) {
  std::string error;
  if (saveAdminState(stateDir_, admin_, error)) logLine(LogLevel::Info, "admin: " + what);
  else logLine(LogLevel::Error, error);
}

// The state file is ours alone: one changed, damaged or deleted behind our back is kept
// aside for a person and rewritten from memory, so a restart cannot lose an override.
void AdminControl::checkStateFile() {
  if (stateDir_.empty()) return;
  std::string onDisk = readAdminStateFile(stateDir_);
  bool nothingToKeep = admin_.drained.empty() && admin_.forced.empty() && admin_.windows.empty();
  if (onDisk == adminStateText(admin_) || (onDisk.empty() && nothingToKeep) || onDisk == damageSeen_) return;
  damageSeen_ = onDisk;  // if the rewrite fails, say so once, not every few seconds
  std::string aside = onDisk.empty() ? std::string("(the file was gone)") : keepDamagedAdminState(stateDir_);
  logLine(LogLevel::Error, "admin: " + stateDir_ + "/admin-state.json was changed outside lodestar; the "
                           "found copy is kept as " + aside);
  saveOrLog("rewrote admin-state.json from memory");
}

void AdminControl::audit(const std::string& command, const nlohmann::json& args, uid_t uid, int64_t now, bool local,
                         const std::string& result, int64_t revision) const {
  nlohmann::json entry = {{"time", now}, {"uid", uid}, {"command", command},
                          {"target", args.value("target", std::string())},
                          {"state", args.value("state", std::string())}, {"reason", args.value("reason", std::string())},
                          {"result", result}};
  if (cluster_) entry["scope"] = local ? "local" : "cluster";
  if (revision) entry["revision"] = revision;
  appendAudit(stateDir_, entry);
}

namespace {

void logApplied(const std::string& summary, const std::string& scope, uid_t uid, const std::string& reason) {
  logLine(LogLevel::Info, "admin: " + summary + scope + " by uid " + std::to_string(uid) +
                              (reason.empty() ? "" : " (" + reason + ")"));
}

}  // namespace

void AdminControl::execute(const std::string& command, const nlohmann::json& args, uid_t uid,
                           const ControlServer::Reply& reply) {
  if (stateDir_.empty())
    return reply(control::failure("no state_dir is configured: an override would not survive a restart"));
  const int64_t now = std::time(nullptr);
  if (cluster_ && !args.value("local", false)) return executeClusterWide(command, args, uid, now, reply);
  AdminDecision d = decideAdmin(currentView_(), admin_, command, args, uid, now);
  if (!d.next) {
    if (!d.audit.empty()) audit(command, args, uid, now, true, d.audit, 0);
    return reply(d.response);
  }
  std::string error;
  if (!saveAdminState(stateDir_, *d.next, error)) {
    audit(command, args, uid, now, true, "not saved", 0);
    return reply(control::failure(error));
  }
  admin_ = std::move(*d.next);
  applyEffective();
  audit(command, args, uid, now, true, d.audit, 0);
  logApplied(d.summary, cluster_ ? " (this node only: --local)" : "", uid, args.value("reason", std::string()));
  if (cluster_ && d.response["result"].is_object()) d.response["result"]["local"] = true;
  reply(d.response);
}

// Decided against the cluster's state and committed in etcd; each node applies it when it
// arrives (ClusterNode calls back).
void AdminControl::executeClusterWide(const std::string& command, const nlohmann::json& args, uid_t uid, int64_t now,
                                      const ControlServer::Reply& reply) {
  const std::string reason = args.value("reason", std::string());
  nlohmann::json entry = {{"time", now}, {"uid", uid}, {"command", command},
                          {"target", args.value("target", std::string())},
                          {"state", args.value("state", std::string())}, {"reason", reason}};
  auto summary = std::make_shared<std::string>();
  cluster_->commitAdmin(
      [this, command, args, uid, now, summary](const AdminState& current) {
        AdminDecision d = decideAdmin(currentView_(), current, command, args, uid, now);
        *summary = d.next ? d.summary : d.audit;
        return d;
      },
      entry,
      [this, command, args, uid, now, reason, summary, reply](nlohmann::json response) {
        const bool ok = response.value("ok", false);
        const int64_t revision = ok && response["result"].is_object() ? response["result"].value("revision", int64_t(0)) : 0;
        if (revision) {
          audit(command, args, uid, now, false, "ok", revision);
          logApplied(*summary, " (cluster-wide, etcd revision " + std::to_string(revision) + ")", uid, reason);
        } else if (!ok) {
          audit(command, args, uid, now, false, response.value("code", std::string("refused")), 0);
        }
        reply(response);
      });
}

}  // namespace lodestar::server
