// Start-up is fatal and loud; once serving, only a signal stops the daemon, and a failed
// reload changes nothing.
#include "dns/server/daemon.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "dns/server/control_protocol.hpp"
#include "dns/server/control_server.hpp"
#include "dns/server/loaded_config.hpp"
#include "dns/server/log.hpp"
#include "dns/server/probe_targets.hpp"
#include "dns/server/socket_set.hpp"
#include "dns/server/view_publisher.hpp"
#include "dns/server/worker.hpp"
#include "health/event_loop.hpp"
#include "health/hooks.hpp"
#include "health/prober.hpp"
#include "health/scheduler.hpp"

namespace lodestar::dns {

int checkConfiguration(const std::string& configPath, std::ostream& out, std::ostream& err) {
  zones::Diagnostics diags;
  auto loaded = loadConfiguration(configPath, nullptr, diags);
  err << diags.report();
  if (!loaded) return 1;
  out << configPath << ": ok, " << describeView(*loaded->view);
  return 0;
}

namespace {

std::string listenText(const ServerConfig& c) {
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

    publisher_ = std::make_unique<ViewPublisher>(std::move(loaded->view), workers);
    WorkerSettings settings{config_.udpMaxPayload, std::max(1u, config_.tcpMaxConnections / workers),
                            config_.tcpIdleTimeout};
    for (unsigned i = 0; i < workers; ++i)
      pool_.push_back(std::make_unique<Worker>(std::move(sockets[i]), *publisher_, publisher_->reader(i), settings));
    for (auto& w : pool_) w->start();


    loop_.watch(sigFd, EPOLLIN, [this, sigFd](uint32_t) { onSignal(sigFd); });
    if (!config_.stateDir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(config_.stateDir, ec);
      if (ec) logLine(LogLevel::Warning, "cannot create state_dir " + config_.stateDir + ": " + ec.message());
    }
    if (!config_.controlSocket.empty()) {
      try {
        control_ = std::make_unique<ControlServer>(
            loop_, config_.controlSocket,
            [this](const std::string& cmd, const nlohmann::json& args, uid_t uid) { return onControl(cmd, args, uid); });
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
      logChange(c);
      hooks_->fire({eventJson(c), c.address, health::observedName(c.from), health::observedName(c.to)});
    });
    scheduler_->setTargets(probeTargets(*publisher_->current()));

    std::string where;
    for (const auto& b : bound) where += (where.empty() ? "" : ", ") + b.text;
    logLine(LogLevel::Info, "ready: " + std::to_string(publisher_->current()->zones().size()) + " zone(s), " +
                                std::to_string(workers) + " worker(s), udp+tcp on " + where);
    loop_.run();
    scheduler_.reset();
    hooks_.reset();
    prober_.reset();
    control_.reset();
    close(sigFd);

    QueryStats total = stopWorkers();
    logLine(LogLevel::Info, "stopped after " + std::to_string(total.received) + " queries (" +
                                std::to_string(total.dropped) + " dropped, " + std::to_string(total.truncated) +
                                " truncated)");
    return 0;
  }

 private:
  // One structured line per state change: what, where, from → to, why, how fast.
  static void logChange(const health::StateChange& c) {
    char latency[32];
    std::snprintf(latency, sizeof latency, "%.1f", c.result.latency.count() / 1000.0);
    logLine(c.to == health::Observed::Up ? LogLevel::Info : LogLevel::Warning,
            "health: endpoint=" + c.address + " " + health::observedName(c.from) + " -> " +
                health::observedName(c.to) + " reason=\"" + c.result.reason + "\" latency_ms=" + latency +
                " check=" + c.check + " (" + c.where + ")");
  }

  static std::string eventJson(const health::StateChange& c) {
    return nlohmann::json{{"event", "health"},
                          {"time", std::time(nullptr)},
                          {"endpoint", c.address},
                          {"where", c.where},
                          {"check", c.check},
                          {"from", health::observedName(c.from)},
                          {"to", health::observedName(c.to)},
                          {"reason", c.result.reason},
                          {"latency_ms", c.result.latency.count() / 1000.0}}
        .dump();
  }

  QueryStats stopWorkers() {
    QueryStats total;
    for (auto& w : pool_) {
      w->stop();
      total.add(w->stats());
    }
    return total;
  }

  static nlohmann::json errorsOf(const zones::Diagnostics& diags) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : diags.errors()) list.push_back(e.toString());
    return list;
  }

  nlohmann::json onControl(const std::string& command, const nlohmann::json&, uid_t uid) {
    if (command == "reload") {
      logLine(LogLevel::Info, "reload requested over the control socket by uid " + std::to_string(uid));
      zones::Diagnostics diags;
      if (!reload(diags)) {
        auto r = controlError("reload failed with " + std::to_string(diags.errors().size()) +
                              " error(s); still serving the previous configuration");
        r["errors"] = errorsOf(diags);
        return r;
      }
      return controlOk({{"summary", describeView(*publisher_->current())}});
    }
    if (command == "check") {
      zones::Diagnostics diags;
      auto loaded = loadConfiguration(configPath_, publisher_->current(), diags);
      if (!loaded) {
        auto r = controlError(std::to_string(diags.errors().size()) + " error(s) in the files on disk");
        r["errors"] = errorsOf(diags);
        return r;
      }
      return controlOk({{"summary", describeView(*loaded->view)}});
    }
    if (command == "ping") return controlOk({{"config", configPath_}});
    return controlError("unknown command '" + command + "' (known: reload, check, ping)");
  }

  void onSignal(int sigFd) {
    signalfd_siginfo info;
    while (read(sigFd, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGHUP) {
        logLine(LogLevel::Info, "SIGHUP: reloading " + configPath_);
        zones::Diagnostics diags;
        reload(diags);
      } else {
        logLine(LogLevel::Info, std::string("stopping on ") + (info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT"));
        loop_.stop();
      }
    }
  }

  // Parses, validates and compiles off the hot path; publishes only a view with no errors.
  bool reload(zones::Diagnostics& diags) {
    auto loaded = loadConfiguration(configPath_, publisher_->current(), diags, &registry_);
    for (const auto& w : diags.warnings()) logLine(LogLevel::Warning, w.toString());
    if (!loaded) {
      for (const auto& e : diags.errors()) logLine(LogLevel::Error, e.toString());
      logLine(LogLevel::Error, "reload failed with " + std::to_string(diags.errors().size()) +
                                   " error(s); still serving the previous configuration");
      return false;
    }
    if (listenText(loaded->config) != listenText(config_) || loaded->config.workers != config_.workers)
      logLine(LogLevel::Warning, "listen addresses and workers change only on restart");
    std::string summary = describeView(*loaded->view);
    publisher_->publish(std::move(loaded->view));
    scheduler_->setTargets(probeTargets(*publisher_->current()));
    registry_.collect();  // endpoints no view names any more
    logLine(LogLevel::Info, "reloaded: " + summary.substr(0, summary.find('\n')));
    return true;
  }

  std::string configPath_;
  ServerConfig config_;
  health::Registry registry_;  // endpoint health, kept across reloads
  std::unique_ptr<ViewPublisher> publisher_;
  std::vector<std::unique_ptr<Worker>> pool_;
  health::EventLoop loop_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<health::Prober> prober_;
  std::unique_ptr<health::HookRunner> hooks_;
  std::unique_ptr<health::Scheduler> scheduler_;
};

}  // namespace

int runDaemon(const std::string& configPath) { return Daemon(configPath).run(); }

}  // namespace lodestar::dns
