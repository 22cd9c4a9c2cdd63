// Executing admin decisions: save, apply, audit, log; windows by the clock; the state file.
#include "dns/server/admin_control.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include "dns/control/history_entry.hpp"
#include "dns/control/protocol.hpp"
#include "dns/server/admin_actions.hpp"
#include "dns/server/admin_rules.hpp"
#include "dns/server/log.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

// Windows that opened before this start are taken as the state says (open, or held).
AdminControl::AdminControl(std::string stateDir, CurrentView currentView, CurrentCells currentCells)
    : stateDir_(std::move(stateDir)),
      currentView_(std::move(currentView)),
      currentCells_(std::move(currentCells)),
      judgedUntil_(unixNow()) {}

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
  // This node's own verdict on a cluster window rules here: every node judges each window
  // when it opens, by the clock, without waiting for another node's word through etcd.
  for (auto& w : e.windows)
    for (const auto& v : verdicts_)
      if (v.sameAs(w)) w = v;
  e.windows.insert(e.windows.end(), admin_.windows.begin(), admin_.windows.end());
  return e;
}

void AdminControl::applyEffective() {
  const int64_t now = unixNow();
  judge(now);
  const AdminState e = effective();
  const zones::View& view = currentView_();
  // Another node may know regions this one does not (or foreign data named one): said once.
  for (const auto& [region, d] : e.effectiveDrains(now))
    if (!view.regionId(region) && unknownNamed_.insert(region).second)
      logLine(LogLevel::Warning, "admin: the overrides drain region '" + region +
                                     "', which this node's zones do not define; ignored here");
  applyAdminState(e, view, currentCells_(), now);
  noteOpenWindows(e, now);
}

bool AdminControl::noteOpenWindows(const AdminState& e, int64_t now) {
  std::vector<std::string> open;
  for (const auto& w : e.windows)
    if (w.openAt(now)) open.push_back(w.region + "|" + std::to_string(w.start) + "|" + std::to_string(w.end));
  if (open == windowsOpen_) return false;
  windowsOpen_ = std::move(open);
  std::string drained;
  for (const auto& [region, d] : e.effectiveDrains(now)) drained += (drained.empty() ? "" : ", ") + region;
  logLine(LogLevel::Info, "admin: maintenance windows now drain: " + (drained.empty() ? std::string("none") : drained));
  return true;
}

void AdminControl::tick(int64_t now) {
  stepWindows(now);
  // Not at the edge itself: there every node would race to write the same removal.
  if (cluster_) dropEndedClusterWindows(now);
  if (++ticks_ % 5 == 0) checkStateFile();
}

void AdminControl::stepWindows(int64_t now) {
  judge(now);
  std::string error;
  if (admin_.expireWindows(now) && !stateDir_.empty() && !saveAdminState(stateDir_, admin_, error))
    logLine(LogLevel::Error, error);
  // Every node opens and closes every window by the clock: what drains changes when the set
  // of open windows does.
  const AdminState e = effective();
  if (noteOpenWindows(e, now)) applyAdminState(e, currentView_(), currentCells_(), now);
}

void AdminControl::judge(int64_t now) {
  AdminState e = effective();
  const size_t fromCluster = cluster_ ? cluster_->admin().windows.size() : 0;
  // A cluster window opening now is judged here too, even when another node's hold reached
  // us first: each node decides (and says) for itself.
  for (size_t i = 0; i < fromCluster; ++i) {
    auto& w = e.windows[i];
    const bool judgedHere = std::any_of(verdicts_.begin(), verdicts_.end(), [&](const auto& v) { return v.sameAs(w); });
    if (!judgedHere && w.start > judgedUntil_ && w.start <= now) w.held = false;
  }
  const auto verdicts = judgeWindows(currentView_(), e, judgedUntil_, now);
  judgedUntil_ = std::max(judgedUntil_, now);
  bool save = false;
  for (const auto& v : verdicts) {
    const AdminState::Window& w = e.windows[v.index];
    const bool turned = v.kind != WindowVerdict::Kind::Opened;
    if (v.index < fromCluster) {
      auto it = std::find_if(verdicts_.begin(), verdicts_.end(), [&](const auto& x) { return x.sameAs(w); });
      if (it == verdicts_.end()) verdicts_.push_back(w);
      else *it = w;
      if (turned) commitWindowChange(w, now);
    } else {
      admin_.windows[v.index - fromCluster] = w;
      save = save || turned;
    }
    if (turned) tellVerdict(w, v.kind == WindowVerdict::Kind::Held);
  }
  if (save && !stateDir_.empty()) saveOrLog("saved the maintenance windows' new state");
  // A verdict lives as long as its window does in the cluster's overrides.
  if (cluster_)
    std::erase_if(verdicts_, [this](const AdminState::Window& v) {
      const auto& all = cluster_->admin().windows;
      return std::none_of(all.begin(), all.end(), [&](const auto& w) { return w.sameAs(v); });
    });
}

void AdminControl::tellVerdict(const AdminState::Window& w, bool held) {
  const std::string what = "the maintenance window draining " + w.region + " from " + wire::formatUtc(w.start) +
                           " to " + wire::formatUtc(w.end);
  if (held)
    logLine(LogLevel::Error, "admin: " + what + " is held, not opened: it would leave " + w.heldWhy +
                                 " with no region; it opens when that is safe, or when re-issued with --force");
  else
    logLine(LogLevel::Info, "admin: " + what + " was held and opens now: every record keeps a region");
  if (!events_) return;
  nlohmann::json event = {{"event", "window"}, {"time", unixNow()}, {"region", w.region},
                          {"start", w.start}, {"end", w.end}, {"reason", w.reason},
                          {"from", held ? "pending" : "held"}, {"to", held ? "held" : "open"}};
  if (held) event["held_because"] = "would leave " + w.heldWhy + " with no region";
  events_({event.dump(), w.region, held ? "pending" : "held", held ? "held" : "open"});
}

void AdminControl::commitWindowChange(AdminState::Window judged, int64_t now) {
  nlohmann::json entry = {{"time", now}, {"command", "window"}, {"target", judged.region},
                          {"state", judged.held ? "held" : "open"},
                          {"reason", judged.held ? "would leave " + judged.heldWhy + " with no region" : ""}};
  cluster_->commitAdmin(
      [judged](const AdminState& current) {
        AdminState next = current;
        bool changed = false;
        for (auto& w : next.windows)
          if (w.sameAs(judged) && w.held != judged.held) {
            w = judged;
            changed = true;
          }
        if (!changed) return AdminDecision{control::success({{"changed", false}}), std::nullopt, {}, {}};
        return AdminDecision{control::success({{"changed", true}}), std::move(next), judged.held ? "held" : "opened",
                             "maintenance window " + judged.region + " " + (judged.held ? "held" : "opened after a hold")};
      },
      entry,
      [](const nlohmann::json& reply) {
        if (!reply.value("ok", false))
          logLine(LogLevel::Warning, "admin: could not record the window's new state in etcd (each node judges it "
                                     "for itself all the same): " + reply.value("error", std::string()));
      });
}

void AdminControl::dropEndedClusterWindows(int64_t now) {
  if (droppingEnded_ || now < nextDropTry_ || !cluster_->reachable()) return;
  std::string ended;
  for (const auto& w : cluster_->admin().windows)
    if (w.end <= now) ended += (ended.empty() ? "" : ", ") + w.region;
  if (ended.empty()) return;
  droppingEnded_ = true;
  nlohmann::json entry = {{"time", now}, {"command", "window"}, {"target", ended}, {"state", "ended"}, {"reason", ""}};
  cluster_->commitAdmin(
      [now](const AdminState& current) {
        AdminState next = current;
        // Whichever node notices first writes; the others decide again on its state and
        // find nothing to do.
        if (!next.expireWindows(now)) return AdminDecision{control::success({{"changed", false}}), std::nullopt, {}, {}};
        return AdminDecision{control::success({{"changed", true}}), std::move(next), "ended",
                             "ended maintenance windows removed"};
      },
      entry,
      [this, now, ended](const nlohmann::json& reply) {
        droppingEnded_ = false;
        if (!reply.value("ok", false)) {
          nextDropTry_ = now + 5;
          logLine(LogLevel::Warning, "admin: could not remove the ended maintenance windows (" + ended +
                                         ") from etcd; trying again in 5 s: " + reply.value("error", std::string()));
        } else if (auto r = reply.find("result"); r != reply.end() && r->is_object() && r->contains("revision")) {
          logLine(LogLevel::Info, "admin: removed the ended maintenance windows (" + ended +
                                      ") from the cluster's overrides (etcd revision " +
                                      std::to_string(r->value("revision", int64_t(0))) + ")");
        }
      });
}

void AdminControl::shareLocalOverrides() {
  if (!cluster_) return;
  LocalOverrides o;
  for (const auto& [region, d] : admin_.drained) o.drained[region] = {"", d.since, d.reason};
  for (const auto& [target, f] : admin_.forced) {
    auto note = admin_.forceNotes.find(target);
    o.forced[target.text()] = {f == health::Forced::Up ? "up" : "down", note == admin_.forceNotes.end() ? 0 : note->second.since,
                               note == admin_.forceNotes.end() ? "" : note->second.reason};
  }
  cluster_->setLocalOverrides(o);
}

void AdminControl::noteLocalOverride(const std::string& command, const nlohmann::json& args,
                                     nlohmann::json& response) const {
  if (!response.value("ok", false) || args.value("dry_run", false)) return;
  const std::string target = args.value("target", std::string());
  const AdminState::Drain* held = nullptr;
  std::string what, undo;
  if (command == "undrain") {
    if (auto d = admin_.drained.find(target); d != admin_.drained.end()) held = &d->second;
    what = "drained";
    undo = "lodestarctl undrain " + target + " --local";
  } else if (command == "force" && args.value("state", std::string()) == "auto") {
    const ForceTarget key = ForceTarget::parse(target);
    if (auto f = admin_.forced.find(key); f != admin_.forced.end()) {
      static const AdminState::Drain none;
      auto n = admin_.forceNotes.find(key);
      held = n != admin_.forceNotes.end() ? &n->second : &none;
      what = f->second == health::Forced::Up ? "forced up" : "forced down";
      undo = "lodestarctl auto " + target + " --local";
    }
  }
  if (!held) return;
  const nlohmann::json result = response["result"];
  const int64_t revision = result.is_object() ? result.value("revision", int64_t(0)) : 0;
  const bool changed = result.is_object() && result.value("changed", false);
  const std::string done = changed ? "done cluster-wide (etcd revision " + std::to_string(revision) + "), but "
                                   : "nothing to do cluster-wide, but ";
  response = control::failure(done + target + " is " + what + " on this node only since " + wire::formatUtc(held->since) +
                              (held->reason.empty() ? "" : " (" + held->reason + ")") + "; undo with '" + undo + "'");
  response["code"] = "local_override";
  response["result"] = result;
  response["local_override"] = {{"target", target}, {"state", what}, {"since", held->since}, {"reason", held->reason}};
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

// One rule for the whole cluster: the safety rule is checked on the node that takes the
// command, against its own zone files, so a change that takes serving capacity away (a drain
// or window, a force down or back to auto) is refused while a live node serves other files
// or another geo database than this one (a rolling zone change, say), unless --force. An
// undrain or force-up leaves every record at least the regions it had: never refused.
std::optional<AdminDecision> refuseOnOtherData(const ClusterNode& cluster, const std::string& command,
                                               const nlohmann::json& args) {
  const bool takesCapacity = command == "drain" || (command == "force" && args.value("state", std::string()) != "up");
  if (!takesCapacity || args.value("force", false)) return std::nullopt;
  const auto others = cluster.nodesServingOtherData();
  if (others.empty()) return std::nullopt;
  std::string who = "this node " + cluster.node() + " " + cluster.configHash().substr(0, 12);
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& [node, hash] : others) {
    who += ", " + node + " " + hash.substr(0, 12);
    nodes.push_back({{"node", node}, {"config_hash", hash}});
  }
  auto e = control::failure("refused: the nodes serve different zone files or geo databases (config " + who +
                            "), and the safety rule checked here against " + cluster.node() +
                            "'s files cannot vouch for the others' answers; serve the same files on every node "
                            "(then reload), or use --force to do it anyway");
  e["code"] = "config_mismatch";
  e["this_config_hash"] = cluster.configHash();
  e["other_nodes"] = nodes;
  return AdminDecision{std::move(e), std::nullopt, "config_mismatch", {}};
}

}  // namespace

void AdminControl::execute(const std::string& command, const nlohmann::json& args, uid_t uid,
                           const ControlServer::Reply& reply) {
  if (stateDir_.empty())
    return reply(control::failure("no state_dir is configured: an override would not survive a restart"));
  const int64_t now = unixNow();
  if (cluster_ && !args.value("local", false)) return executeClusterWide(command, args, uid, now, reply);
  AdminDecision d = decideAdmin(currentView_(), admin_, command, args, uid, now);
  if (!d.next) {
    // Every attempt but a dry run is recorded, a refused one with its reason.
    const bool dryRun = args.value("dry_run", false);
    if (!d.response.value("ok", false) && !dryRun) audit(command, args, uid, now, true, historyResult(d.response), 0);
    else if (!d.audit.empty()) audit(command, args, uid, now, true, d.audit, 0);
    return reply(d.response);
  }
  std::string error;
  if (!saveAdminState(stateDir_, *d.next, error)) {
    audit(command, args, uid, now, true, "not saved", 0);
    return reply(control::failure(error));
  }
  admin_ = std::move(*d.next);
  applyEffective();
  shareLocalOverrides();
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
  const bool dryRun = args.value("dry_run", false);
  nlohmann::json entry = {{"time", now}, {"uid", uid}, {"command", command},
                          {"target", args.value("target", std::string())},
                          {"state", args.value("state", std::string())}, {"reason", reason}};
  auto summary = std::make_shared<std::string>();
  // The overrides' revision at the first decision and at the last: a later one means another
  // change was committed under this request (it lost the transaction and decided again).
  auto decidedAt = std::make_shared<std::pair<int64_t, int64_t>>(-1, 0);
  cluster_->commitAdmin(
      [this, command, args, uid, now, dryRun, summary, decidedAt](const AdminState& current) {
        if (decidedAt->first < 0) decidedAt->first = cluster_->adminRevision();
        decidedAt->second = cluster_->adminRevision();
        AdminDecision d = decideAdmin(currentView_(), current, command, args, uid, now);
        if (d.next || (dryRun && d.response.value("ok", false)))
          if (auto refused = refuseOnOtherData(*cluster_, command, args)) {
            if (dryRun) refused->response = dryRunRefused(std::move(refused->response), d.response["result"]);
            d = std::move(*refused);
          }
        // The real command could not be committed now: neither can the dry run say it would be.
        if (dryRun && d.response.value("ok", false) && !cluster_->reachable()) {
          auto e = control::failure("dry run, nothing changed: etcd is unreachable from this node, so the command "
                                    "would fail now (use --local to change this node only)");
          e["code"] = "cluster_unreachable";
          e["result"] = d.response["result"];
          d.response = std::move(e);
        }
        *summary = d.next ? d.summary : d.audit;
        return d;
      },
      entry,
      [this, command, args, uid, now, reason, dryRun, summary, decidedAt, entry, reply](nlohmann::json response) {
        const bool ok = response.value("ok", false);
        const int64_t revision = ok && response["result"].is_object() ? response["result"].value("revision", int64_t(0)) : 0;
        if (revision) {
          audit(command, args, uid, now, false, "ok", revision);
          logApplied(*summary, " (cluster-wide, etcd revision " + std::to_string(revision) + ")", uid, reason);
        } else if (!ok && !dryRun) {
          const bool unreachable = response.value("code", std::string()) == "cluster_unreachable";
          // Not refused but not done either: etcd could not be reached (the reason says which members).
          audit(command, args, uid, now, false,
                unreachable ? "failed: " + response.value("error", std::string()) : historyResult(response), 0);
          if (!unreachable) {
            // The cluster's history shows refused attempts too, from every node.
            nlohmann::json refused = entry;
            refused["result"] = historyResult(response);
            cluster_->recordRefusal(refused);
          }
          // A refusal by the safety rule names the change it was decided against: who made
          // it, what, and at which revision (the race's loser learns that it lost, and to whom).
          if (!unreachable && response.contains("records") && decidedAt->second > 0)
            return explainRefusal(std::move(response), decidedAt->first, decidedAt->second, reply);
        }
        noteLocalOverride(command, args, response);
        reply(response);
      });
}

namespace {

// "drain eu-west", "auto 10.0.0.1", "force-down eu-west/web", "window eu-west held": the
// history entry's command as the operator would have typed it.
std::string typedCommand(const control::HistoryEntry& h) {
  if (h.command == "force") return (h.state == "auto" ? std::string("auto") : "force-" + h.state) + " " + h.target;
  return h.command + " " + h.target + (h.state.empty() ? "" : " " + h.state);
}

}  // namespace

void AdminControl::explainRefusal(nlohmann::json response, int64_t firstRevision, int64_t revision,
                                  const ControlServer::Reply& reply) {
  cluster_->history(kHistoryLookBack, [response = std::move(response), firstRevision, revision,
                                       reply](const nlohmann::json& found) mutable {
    std::optional<control::HistoryEntry> change;
    const auto list = found.contains("result") && found["result"].is_object() ? found["result"].value("history", nlohmann::json::array())
                                                                             : nlohmann::json::array();
    for (const auto& item : list) {
      std::string error;
      auto h = control::readHistoryEntry(item, error);
      if (h && h->revision == revision) change = std::move(h);
    }
    const bool under = revision > firstRevision;
    std::string text = under ? "the overrides changed under this request: at etcd revision " + std::to_string(revision)
                             : "decided on the overrides as etcd revision " + std::to_string(revision) + " left them";
    nlohmann::json last = {{"revision", revision}, {"under_this_request", under}};
    if (change) {
      text += (under ? ", " : ": ") + std::string("uid ") + std::to_string(change->uid) +
              (change->node.empty() ? "" : " on " + change->node) + " ran '" + typedCommand(*change) + "'" +
              (change->reason.empty() ? "" : " (" + change->reason + ")") + " at " + wire::formatUtc(change->time);
      last["node"] = change->node;
      last["uid"] = change->uid;
      last["command"] = change->command;
      last["target"] = change->target;
      last["state"] = change->state;
      last["reason"] = change->reason;
      last["time"] = change->time;
    }
    if (under) text += "; decided again on that state";
    response["error"] = response.value("error", std::string()) + "; " + text;
    response["last_change"] = last;
    reply(response);
  });
}

}  // namespace lodestar::server
