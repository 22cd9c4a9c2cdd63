// Start-up is fatal and loud; once serving, only a signal stops the daemon, and a failed
// reload changes nothing.
#include "dns/server/daemon.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "dns/control/protocol.hpp"
#include "dns/server/admin_actions.hpp"
#include "dns/server/admin_state.hpp"
#include "dns/server/availability.hpp"
#include "dns/server/background_load.hpp"
#include "dns/server/cluster_node.hpp"
#include "dns/server/control_server.hpp"
#include "dns/server/explain.hpp"
#include "dns/server/health_events.hpp"
#include "dns/server/loaded_config.hpp"
#include "dns/server/log.hpp"
#include "dns/server/probe_targets.hpp"
#include "dns/server/socket_set.hpp"
#include "dns/server/status_report.hpp"
#include "dns/server/view_publisher.hpp"
#include "dns/server/worker.hpp"
#include "dns/server/xdp_path.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/name_text.hpp"
#include "health/child_process.hpp"
#include "health/loop/event_loop.hpp"
#include "health/hooks.hpp"
#include "health/prober.hpp"
#include "health/scheduler.hpp"
#include "lodestar/version.hpp"
#include "zones/record_text.hpp"

namespace lodestar::server {

int checkConfiguration(const std::string& configPath, std::ostream& out, std::ostream& err) {
  zones::Diagnostics diags;
  auto loaded = loadConfiguration(configPath, nullptr, diags);
  err << diags.report();
  if (!loaded) return 1;
  out << configPath << ": ok, " << describeView(*loaded->view);
  return 0;
}

namespace {

std::string listenText(const lodestar::config::ServerConfig& c) {
  std::string s;
  for (const auto& l : c.listen) s += l.text + ";";
  return s;
}

class Daemon {
 public:
  explicit Daemon(std::string configPath) : configPath_(std::move(configPath)) {}

  int run() {
    zones::Diagnostics diags;
    auto loaded = loadConfiguration(configPath_, nullptr, diags, &registry_);
    for (const auto& w : diags.warnings()) logLine(LogLevel::Warning, w.toString());
    if (!loaded) {
      for (const auto& e : diags.errors()) logLine(LogLevel::Error, e.toString());
      logLine(LogLevel::Error, "configuration has errors; not starting");
      return 1;
    }
    config_ = loaded->config;
    contentHash_ = loaded->contentHash;
    unsigned workers = config_.workers ? config_.workers : std::max(1u, std::thread::hardware_concurrency());

    // Signals arrive on a signalfd in the control loop; workers inherit the blocked mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);
    int sigFd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);

    std::vector<BoundAddress> bound;
    std::vector<WorkerSockets> sockets;
    try {
      sockets = openSockets(config_.listen, workers, bound);
    } catch (const std::exception& e) {
      logLine(LogLevel::Error, e.what());
      return 1;
    }

    // Overrides are back before the first query is answered (workers start below).
    if (!config_.stateDir.empty()) {
      auto loadedAdmin = loadAdminState(config_.stateDir);
      admin_ = std::move(loadedAdmin.state);
      droppedOverrides_ = std::move(loadedAdmin.dropped);
      if (loadedAdmin.damaged) {
        logLine(LogLevel::Error, loadedAdmin.message);
        saveOrLog("rewrote the admin state from the entries kept");
      } else if (!loadedAdmin.message.empty()) {
        logLine(LogLevel::Info, loadedAdmin.message);
      }
    }
    if (config_.cluster) {
      // Its threads start connecting now; what they bring runs on the loop once it turns.
      cluster_ = std::make_unique<ClusterNode>(loop_, *config_.cluster, kVersion, config_.stateDir,
                                               [this] { applyEffective(); });
      logLine(LogLevel::Info, "cluster: node " + config_.cluster->node + ", sharing overrides and health through etcd at " +
                                  config_.cluster->etcd.front() + (config_.cluster->etcd.size() > 1 ? " and others" : ""));
    }
    applyAdminState(effective(), *loaded->view, *loaded->admin, std::time(nullptr));
    unsigned readers = 0;
    for (const auto& s : sockets) readers += Worker::readersFor(s);
    const unsigned xdpReaders = config_.xdp ? static_cast<unsigned>(config_.xdp->queues.size()) : 0;
    readers += xdpReaders;
    adminCells_ = std::move(loaded->admin);
    publisher_ = std::make_unique<ViewPublisher>(std::move(loaded->view), readers);
    WorkerSettings settings{{config_.udpMaxPayload, config_.udpCoalesceMax},
                            std::max(1u, config_.tcpMaxConnections / workers),
                            config_.tcpIdleTimeout};
    for (unsigned i = 0, next = 0; i < workers; ++i) {
      std::vector<ViewPublisher::Reader*> own;
      for (unsigned k = Worker::readersFor(sockets[i]); k > 0; --k) own.push_back(&publisher_->reader(next++));
      pool_.push_back(std::make_unique<Worker>(std::move(sockets[i]), *publisher_, std::move(own), settings));
    }
    for (auto& w : pool_) w->start();
    if (config_.xdp) {
      std::vector<ViewPublisher::Reader*> own;
      for (unsigned k = 0; k < xdpReaders; ++k) own.push_back(&publisher_->reader(readers - xdpReaders + k));
      xdp_ = std::make_unique<XdpPath>(*config_.xdp, config_.listen, *publisher_, std::move(own), config_.udpMaxPayload);
      logLine(xdp_->on() ? LogLevel::Info : LogLevel::Error, xdp_->describe());
    }


    loop_.watch(sigFd, EPOLLIN, [this, sigFd](uint32_t) { onSignal(sigFd); });
    if (!config_.stateDir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(config_.stateDir, ec);
      if (ec) logLine(LogLevel::Warning, "cannot create state_dir " + config_.stateDir + ": " + ec.message());
    }
    commands_ = controlCommands();
    if (!config_.controlSocket.empty()) {
      try {
        control_ = std::make_unique<ControlServer>(
            loop_, config_.controlSocket,
            [this](const std::string& cmd, const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply) {
              onControl(cmd, args, uid, reply);
            });
      } catch (const std::exception& e) {
        logLine(LogLevel::Error, e.what());
        stopWorkers();
        return 1;
      }
    }
    prober_ = std::make_unique<health::Prober>(loop_);
    hooks_ = std::make_unique<health::HookRunner>(loop_, config_.hooks, [](bool failed, const std::string& m) {
      logLine(failed ? LogLevel::Warning : LogLevel::Info, m);
    });
    scheduler_ = std::make_unique<health::Scheduler>(loop_, *prober_, [this](const health::StateChange& c) {
      logHealthChange(c);
      hooks_->fire({healthEventJson(c), c.address, health::observedName(c.from), health::observedName(c.to)});
      if (cluster_) cluster_->localChange(c);
    });
    setProbeTargets();
    loader_ = std::make_unique<BackgroundLoad>(
        loop_, configPath_, registry_, [this] { return publisher_->current(); },
        [this](BackgroundLoad::Result& r, std::vector<BackgroundLoad::Request>& q) { finishLoad(r, q); });
    tick();

    std::string where;
    for (const auto& b : bound) where += (where.empty() ? "" : ", ") + b.text;
    logLine(LogLevel::Info, "ready: " + std::to_string(publisher_->current()->zones().size()) + " zone(s), " +
                                std::to_string(workers) + " worker(s), udp+tcp on " + where);
    loop_.run();
    loader_.reset();  // waits for a load still running: it cannot be cut short
    cluster_.reset();  // revokes this node's lease: its reports leave the others' status at once
    health::killRunningChildren();
    scheduler_.reset();
    hooks_.reset();
    prober_.reset();
    control_.reset();
    close(sigFd);

    engine::StatsTotals total = stopWorkers();
    logLine(LogLevel::Info, "stopped after " + std::to_string(total.received) + " queries (" +
                                std::to_string(total.dropped) + " dropped, " + std::to_string(total.truncated) +
                                " truncated)");
    return 0;
  }

 private:
  // Once a second: open and close maintenance windows, sample availability, and every fifth
  // second look at the admin state file.
  void tick() {
    int64_t now = std::time(nullptr);
    const zones::View& view = *publisher_->current();
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
      applyAdminState(effective(), view, *adminCells_, now);
      std::string drained;
      for (const auto& region : windows.drained) drained += (drained.empty() ? "" : ", ") + region;
      logLine(LogLevel::Info, "admin: maintenance windows now drain: " + (drained.empty() ? std::string("none") : drained));
      std::string error;
      if (windows.expired && !config_.stateDir.empty() && !saveAdminState(config_.stateDir, admin_, error))
        logLine(LogLevel::Error, error);
    }
    if (++ticks_ % 5 == 0) checkAdminStateFile();
    availability_.sample(view, now);
    loop_.after(std::chrono::milliseconds(1000), [this] { tick(); });
  }

  // The overrides in effect: the cluster's, with this node's --local ones over them (alone:
  // this node's only).
  AdminState effective() const {
    if (!cluster_) return admin_;
    AdminState e = cluster_->admin();
    for (const auto& [region, d] : admin_.drained) e.drained[region] = d;
    for (const auto& [target, f] : admin_.forced) e.forced[target] = f;
    for (const auto& [target, n] : admin_.forceNotes) e.forceNotes[target] = n;
    e.windows.insert(e.windows.end(), admin_.windows.begin(), admin_.windows.end());
    return e;
  }

  void applyEffective() {
    const AdminState e = effective();
    const zones::View& view = *publisher_->current();
    // Another node may know regions this one does not (or foreign data named one): said once.
    for (const auto& [region, d] : e.effectiveDrains(std::time(nullptr)))
      if (!view.regionId(region) && unknownNamed_.insert(region).second)
        logLine(LogLevel::Warning, "admin: the overrides drain region '" + region +
                                       "', which this node's zones do not define; ignored here");
    applyAdminState(e, view, *adminCells_, std::time(nullptr));
  }

  void setProbeTargets() {
    auto targets = probeTargets(*publisher_->current(), cluster_ != nullptr);
    if (cluster_) cluster_->setTargets(targets, contentHash_);
    scheduler_->setTargets(std::move(targets));
  }

  // Writes admin_ to state_dir; a failure is logged (the state in memory still applies).
  void saveOrLog(const std::string& what) {
    std::string error;
    if (saveAdminState(config_.stateDir, admin_, error)) logLine(LogLevel::Info, "admin: " + what);
    else logLine(LogLevel::Error, error);
  }

  // The state file is ours alone: one changed, damaged or deleted behind our back is kept
  // aside for a person and rewritten from memory, so a restart cannot lose an override.
  void checkAdminStateFile() {
    if (config_.stateDir.empty()) return;
    std::string onDisk = readAdminStateFile(config_.stateDir);
    bool nothingToKeep = admin_.drained.empty() && admin_.forced.empty() && admin_.windows.empty();
    if (onDisk == adminStateText(admin_) || (onDisk.empty() && nothingToKeep) || onDisk == damageSeen_) return;
    damageSeen_ = onDisk;  // if the rewrite fails, say so once, not every few seconds
    std::string aside = onDisk.empty() ? std::string("(the file was gone)") : keepDamagedAdminState(config_.stateDir);
    logLine(LogLevel::Error, "admin: " + config_.stateDir + "/admin-state.json was changed outside lodestar; the "
                             "found copy is kept as " + aside);
    saveOrLog("rewrote admin-state.json from memory");
  }

  engine::StatsTotals stopWorkers() {
    engine::StatsTotals total;
    if (xdp_) {
      xdp_->stop();
      xdp_->addStatsTo(total);
    }
    for (auto& w : pool_) {
      w->stop();
      w->addStatsTo(total);
    }
    return total;
  }

  static nlohmann::json errorsOf(const zones::Diagnostics& diags) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : diags.errors()) list.push_back(e.toString());
    return list;
  }

  // One handler per control command (docs/control-protocol.md); arguments are type-checked
  // before any of them runs.
  using Command = std::function<void(const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply)>;
  std::map<std::string, Command> controlCommands() {
    auto load = [this](bool publish) {
      return [this, publish](const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply) {
        if (publish)
          logLine(LogLevel::Info, "reload requested over the control socket by uid " + std::to_string(uid) +
                                      (loader_->running() ? " (queued behind the reload running now)" : ""));
        // Answered when the load that includes this request is done (and, for reload, applied).
        loader_->request({publish, args.value("force", false), reply});
      };
    };
    auto admin = [this](const std::string& command) {
      return [this, command](const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply) {
        onAdmin(command, args, uid, reply);
      };
    };
    return {
        {"reload", load(true)},
        {"check", load(false)},
        {"ping", [this](const nlohmann::json&, uid_t, const ControlServer::Reply& reply) {
           reply(control::success({{"config", configPath_}}));
         }},
        {"drain", admin("drain")},
        {"undrain", admin("undrain")},
        {"force", admin("force")},
        {"status", [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           reply(control::success(status(args.value("detail", false), args.value("cluster", false))));
         }},
        {"explain", [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           auto r = explain(*publisher_->current(), args);
           reply(r.contains("error") ? control::failure(r["error"].get<std::string>()) : control::success(r));
         }},
        {"stats", [this](const nlohmann::json&, uid_t, const ControlServer::Reply& reply) { reply(control::success(stats())); }},
        {"history", [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           const size_t limit = static_cast<size_t>(std::clamp<int64_t>(args.value("limit", int64_t(20)), 1, 1000));
           if (cluster_) return cluster_->history(limit, reply);
           if (config_.stateDir.empty())
             return reply(control::failure("no state_dir is configured, so no admin action is recorded"));
           reply(control::success({{"history", localHistory(config_.stateDir, limit)}}));
         }},
    };
  }

  void onControl(const std::string& command, const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply) {
    if (auto error = control::argumentError(args); !error.empty()) return reply(control::failure(error));
    auto handler = commands_.find(command);
    if (handler != commands_.end()) return handler->second(args, uid, reply);
    std::string known;
    for (const auto& [name, h] : commands_) known += (known.empty() ? "" : ", ") + name;
    reply(control::failure("unknown command '" + command + "' (known: " + known + ")"));
  }

  // drain / undrain / force: decided by admin_actions.cpp; here saved (in state_dir, or in
  // etcd for the whole cluster), applied, audited, logged.
  void onAdmin(const std::string& command, const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply) {
    if (config_.stateDir.empty())
      return reply(control::failure("no state_dir is configured: an override would not survive a restart"));
    const int64_t now = std::time(nullptr);
    const std::string reason = args.value("reason", std::string());
    const bool local = !cluster_ || args.value("local", false);
    auto audit = [this, command, args, uid, now, reason, local](const std::string& result, int64_t revision) {
      nlohmann::json entry = {{"time", now}, {"uid", uid}, {"command", command},
                              {"target", args.value("target", std::string())},
                              {"state", args.value("state", std::string())}, {"reason", reason}, {"result", result}};
      if (cluster_) entry["scope"] = local ? "local" : "cluster";
      if (revision) entry["revision"] = revision;
      appendAudit(config_.stateDir, entry);
    };
    auto logApplied = [uid, reason](const std::string& summary, const std::string& scope) {
      logLine(LogLevel::Info, "admin: " + summary + scope + " by uid " + std::to_string(uid) +
                                  (reason.empty() ? "" : " (" + reason + ")"));
    };
    if (!local) {
      nlohmann::json entry = {{"time", now}, {"uid", uid}, {"command", command},
                              {"target", args.value("target", std::string())},
                              {"state", args.value("state", std::string())}, {"reason", reason}};
      auto summary = std::make_shared<std::string>();
      cluster_->commitAdmin(
          [this, command, args, uid, now, summary](const AdminState& current) {
            AdminDecision d = decideAdmin(*publisher_->current(), current, command, args, uid, now);
            *summary = d.next ? d.summary : d.audit;
            return d;
          },
          entry,
          [audit, logApplied, summary, reply](nlohmann::json response) {
            const bool ok = response.value("ok", false);
            const int64_t revision = ok && response["result"].is_object() ? response["result"].value("revision", int64_t(0)) : 0;
            if (revision) {
              audit("ok", revision);
              logApplied(*summary, " (cluster-wide, etcd revision " + std::to_string(revision) + ")");
            } else if (!ok) {
              audit(response.value("code", std::string("refused")), 0);
            }
            reply(response);
          });
      return;
    }
    const zones::View& view = *publisher_->current();
    AdminDecision d = decideAdmin(view, admin_, command, args, uid, now);
    if (!d.next) {
      if (!d.audit.empty()) audit(d.audit, 0);
      return reply(d.response);
    }
    std::string error;
    if (!saveAdminState(config_.stateDir, *d.next, error)) {
      audit("not saved", 0);
      return reply(control::failure(error));
    }
    admin_ = std::move(*d.next);
    applyEffective();
    audit(d.audit, 0);
    logApplied(d.summary, cluster_ ? " (this node only: --local)" : "");
    if (cluster_ && d.response["result"].is_object()) d.response["result"]["local"] = true;
    reply(d.response);
  }

  nlohmann::json stats() const {
    engine::StatsTotals t;
    for (const auto& w : pool_) w->addStatsTo(t);
    if (xdp_) xdp_->addStatsTo(t);
    nlohmann::json rcodes = nlohmann::json::object(), qtypes = nlohmann::json::object(), regions = nlohmann::json::object();
    for (size_t i = 0; i < t.byRcode.size(); ++i)
      if (t.byRcode[i]) rcodes[wire::rcodeName(static_cast<uint16_t>(i))] = t.byRcode[i];
    for (size_t i = 0; i < t.byQtype.size(); ++i)
      if (t.byQtype[i]) qtypes[i + 1 == t.byQtype.size() ? "other" : zones::rrTypeToText(static_cast<uint16_t>(i))] = t.byQtype[i];
    const zones::View& view = *publisher_->current();
    for (size_t i = 0; i < view.regions().size() && i < t.byRegion.size(); ++i)
      regions[view.regions()[i].name] = t.byRegion[i];
    nlohmann::json j = {{"queries", t.received}, {"dropped", t.dropped}, {"truncated", t.truncated}, {"with_ecs", t.withEcs},
            {"fail_open", t.failOpen}, {"by_rcode", rcodes}, {"by_qtype", qtypes}, {"answers_by_region", regions},
            {"reloads", reloads_}, {"failed_reloads", failedReloads_}, {"health_changes", scheduler_->changes()}};
    if (xdp_) j["xdp"] = xdp_->status();
    return j;
  }

  nlohmann::json status(bool detail, bool withNodes = false) const {
    auto probes = scheduler_->status();
    AdminState inEffect = effective();
    auto report = statusReport({*publisher_->current(), inEffect, probes, availability_, droppedOverrides_,
                                std::time(nullptr), detail, cluster_.get(), cluster_ ? &admin_ : nullptr});
    if (cluster_) {
      report["cluster"] = cluster_->summary();
      if (withNodes) report["cluster"]["nodes"] = cluster_->nodes();
    }
    return report;
  }

  void onSignal(int sigFd) {
    signalfd_siginfo info;
    while (read(sigFd, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGHUP) {
        logLine(LogLevel::Info, "SIGHUP: reloading " + configPath_ +
                                    (loader_->running() ? " (queued behind the reload running now)" : ""));
        loader_->request({true, false, nullptr});
      } else {
        logLine(LogLevel::Info, std::string("stopping on ") + (info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT"));
        loop_.stop();
      }
    }
  }

  // A load finished beside the loop: answer the checks, publish for the reloads.
  void finishLoad(BackgroundLoad::Result& result, std::vector<BackgroundLoad::Request>& requests) {
    bool publish = false, force = false;
    for (const auto& r : requests)
      if (r.publish) {
        publish = true;
        force = force || r.force;
      }
    nlohmann::json checked;
    if (result.loaded) {
      checked = control::success({{"summary", describeView(*result.loaded->view)}});
    } else {
      checked = control::failure(std::to_string(result.diags.errors().size()) + " error(s) in the files on disk");
      checked["errors"] = errorsOf(result.diags);
    }
    nlohmann::json reloaded = publish ? applyLoad(result, force) : nlohmann::json();
    for (auto& r : requests)
      if (r.reply) r.reply(r.publish ? reloaded : checked);
  }

  // Publishes a loaded view, unless it has errors or drops most zones without `force`.
  nlohmann::json applyLoad(BackgroundLoad::Result& result, bool force) {
    auto& diags = result.diags;
    auto& loaded = result.loaded;
    for (const auto& w : diags.warnings()) logLine(LogLevel::Warning, w.toString());
    // Files moved away by mistake look like a valid, smaller configuration: losing every zone,
    // or more than half of several, takes --force.
    size_t before = publisher_->current()->zones().size();
    size_t after = loaded ? loaded->view->zones().size() : 0;
    if (loaded && !force && ((after == 0 && before > 0) || (before >= 4 && after < before / 2))) {
      diags.error({configPath_, 0, 0}, "the files on disk hold " + std::to_string(after) + " zone(s) against " +
                                           std::to_string(before) + " served now; refusing to drop them (use "
                                           "'lodestarctl reload --force' if that is meant)");
      loaded.reset();
    }
    if (!loaded) {
      for (const auto& e : diags.errors()) logLine(LogLevel::Error, e.toString());
      std::string failed = "reload failed with " + std::to_string(diags.errors().size()) +
                           " error(s); still serving the previous configuration";
      logLine(LogLevel::Error, failed);
      ++failedReloads_;
      auto r = control::failure(failed);
      r["errors"] = errorsOf(diags);
      return r;
    }
    if (listenText(loaded->config) != listenText(config_) || loaded->config.workers != config_.workers)
      logLine(LogLevel::Warning, "listen addresses and workers change only on restart");
    std::string summary = describeView(*loaded->view);
    applyAdminState(effective(), *loaded->view, *loaded->admin, std::time(nullptr));
    contentHash_ = loaded->contentHash;
    adminCells_ = std::move(loaded->admin);  // with the view it belongs to
    publisher_->publish(std::move(loaded->view));
    setProbeTargets();
    registry_.collect();  // endpoints no view names any more
    ++reloads_;
    logLine(LogLevel::Info, "reloaded: " + summary.substr(0, summary.find('\n')));
    return control::success({{"summary", summary}});
  }

  std::string configPath_;
  lodestar::config::ServerConfig config_;
  health::Registry registry_;  // endpoint health, kept across reloads
  AdminState admin_;            // operator overrides, persisted in state_dir (clustered: --local ones)
  std::shared_ptr<zones::AdminCells> adminCells_;  // the served view's override table, writable
  std::vector<std::string> droppedOverrides_;
  std::string damageSeen_;  // the last damaged state file found  // entries of a damaged state file, with reasons
  uint64_t reloads_ = 0, failedReloads_ = 0, ticks_ = 0;
  Availability availability_;  // per region and pool, sampled by tick()
  std::unique_ptr<ViewPublisher> publisher_;
  std::vector<std::unique_ptr<Worker>> pool_;
  std::unique_ptr<XdpPath> xdp_;  // only with xdp: in the config
  health::EventLoop loop_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<health::Prober> prober_;
  std::unique_ptr<health::HookRunner> hooks_;
  std::unique_ptr<health::Scheduler> scheduler_;
  std::unique_ptr<BackgroundLoad> loader_;  // reloads and checks, beside the loop
  std::map<std::string, Command> commands_;   // the control commands by name
  std::unique_ptr<ClusterNode> cluster_;      // with cluster: in the configuration
  std::string contentHash_;                   // of what this node serves, for the others to compare
  std::vector<std::string> clusterWindowsOpen_;  // the cluster's windows open at the last tick
  std::set<std::string> unknownNamed_;           // regions of the overrides this view lacks (logged once)
};

}  // namespace

int runDaemon(const std::string& configPath) { return Daemon(configPath).run(); }

}  // namespace lodestar::server
