// Start-up is fatal and loud; once serving, only a signal stops the daemon, and a failed
// reload changes nothing.
#include "dns/server/daemon.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dns/control/protocol.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/utc_time.hpp"
#include "dns/server/admin_control.hpp"
#include "dns/server/admin_state.hpp"
#include "dns/server/availability.hpp"
#include "dns/server/background_load.hpp"
#include "dns/server/background_resign.hpp"
#include "dns/server/cluster_node.hpp"
#include "dns/server/control_commands.hpp"
#include "dns/server/control_server.hpp"
#include "dns/server/cookie_keeper.hpp"
#include "dns/server/descriptor_budget.hpp"
#include "dns/server/drill_command.hpp"
#include "dns/server/explain.hpp"
#include "dns/server/dnssec_report.hpp"
#include "dns/server/fail_open_watch.hpp"
#include "dns/server/zone_export.hpp"
#include "dns/server/packet_error_log.hpp"
#include "dns/server/systemd_notify.hpp"
#include "dns/server/tap_recorder.hpp"
#include "dns/server/region_watch.hpp"
#include "dns/server/cluster_conditions.hpp"
#include "dns/server/health_events.hpp"
#include "dns/http/http_server.hpp"
#include "dns/server/loaded_config.hpp"
#include "dns/server/log.hpp"
#include "dns/server/metrics.hpp"
#include "dns/server/status_page.hpp"
#include "dns/server/steering_map.hpp"
#include "dns/server/probe_targets.hpp"
#include "dns/server/rate_limit_settings.hpp"
#include "dns/server/socket_set.hpp"
#include "dns/server/stats_snapshot.hpp"
#include "dns/server/status_report.hpp"
#include "dns/server/view_publisher.hpp"
#include "dns/server/worker.hpp"
#include "dns/server/xdp_path.hpp"
#include "health/child_process.hpp"
#include "health/loop/event_loop.hpp"
#include "health/hooks.hpp"
#include "health/prober.hpp"
#include "health/scheduler.hpp"
#include "lodestar/version.hpp"

namespace lodestar::server {

int checkConfiguration(const std::string& configPath, std::ostream& out, std::ostream& err) {
  yaml::Diagnostics diags;
  auto loaded = loadConfiguration(configPath, nullptr, diags);
  if (loaded) checkXdpLink(loaded->config, diags);
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

std::string httpText(const lodestar::config::ServerConfig& c) {
  if (!c.http) return "";
  std::string s = c.http->token + ";" + c.http->user + ";" + c.http->password + ";";
  for (const auto& l : c.http->listen) s += l.text + ";";
  return s;
}

LogSettings logSettings(const lodestar::config::ServerConfig& c) {
  return {c.logJson ? LogFormat::Json : LogFormat::Text, static_cast<LogLevel>(c.logLevel)};
}

// stallControlLoopForTests(): empty in the shipped daemon.
std::string& loopStallFile() {
  static std::string path;
  return path;
}

class Daemon {
 public:
  explicit Daemon(std::string configPath) : configPath_(std::move(configPath)) {}

  int run() {
    yaml::Diagnostics diags;
    auto loaded = loadConfiguration(configPath_, nullptr, diags, &registry_);
    for (const auto& w : diags.warnings()) logLine(LogLevel::Warning, w.toString());
    if (!loaded) {
      for (const auto& e : diags.errors()) logLine(LogLevel::Error, e.toString());
      logLine(LogLevel::Error, "configuration has errors; not starting");
      return 1;
    }
    config_ = loaded->config;
    configureLog(logSettings(config_));
    contentHash_ = loaded->contentHash;
    unsigned workers = config_.workers ? config_.workers : std::max(1u, std::thread::hardware_concurrency());
    logDescriptorLimit(raiseDescriptorLimit());

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
    admin_ = std::make_unique<AdminControl>(
        config_.stateDir, [this]() -> const zones::View& { return *publisher_->current(); },
        [this]() -> zones::AdminCells& { return *adminCells_; });
    admin_->restore();
    if (config_.cluster) {
      // Its threads start connecting now; what they bring runs on the loop once it turns.
      cluster_ = std::make_unique<ClusterNode>(loop_, *config_.cluster, kVersion, config_.stateDir,
                                               [this] {
                                                 admin_->applyEffective();
                                                 judgeRegions();
                                                 armWindowEdge();  // the watch may bring windows
                                               },
                                               [this](const std::string& why) {
                                                 logLine(LogLevel::Error, why);
                                                 exitCode_ = 1;
                                                 loop_.stop();
                                               });
      admin_->setCluster(cluster_.get());
      logLine(LogLevel::Info, "cluster: node " + config_.cluster->node + ", sharing overrides and health through etcd at " +
                                  config_.cluster->etcd.front() + (config_.cluster->etcd.size() > 1 ? " and others" : ""));
    }
    applyAdminState(admin_->effective(), *loaded->view, *loaded->admin, unixNow());
    unsigned readers = 0;
    for (const auto& s : sockets) readers += Worker::readersFor(s);
    const unsigned xdpReaders = config_.xdp ? static_cast<unsigned>(config_.xdp->queues.size()) : 0;
    readers += xdpReaders;
    adminCells_ = std::move(loaded->admin);
    if (config_.dnstap) {
      const auto& t = *config_.dnstap;
      tap_ = std::make_unique<dnstap::TapWriter>(dnstap::TapSettings{
          t.file, t.socket, {t.identity, std::string("lodestar ") + kVersion}, t.queries, t.responses, t.queue});
      nameRegionsForTap(*loaded->view);
    }
    publisher_ = std::make_unique<ViewPublisher>(std::move(loaded->view), readers);
    // The metrics' detail is counted only where metrics are served (docs/metrics.md).
    const bool detailed = config_.http.has_value();
    UdpSettings udp;  // field by field: a setting added to UdpSettings keeps its default here
    udp.maxPayload = config_.udpMaxPayload;
    udp.coalesceMax = config_.udpCoalesceMax;
    udp.detailedStats = detailed;
    if (config_.rateLimit)  // each UDP socket's thread its share: a client's queries spread over them
      udp.rateLimit = std::make_shared<const rrl::RateSettings>(rateSettingsFor(*config_.rateLimit, workers));
    {
      std::string error;
      // A secrets' file that cannot be kept (a read-only state_dir) costs the cookies their
      // sharing and survival across restarts, not the start: a secret in memory instead.
      if (!cookies_.start(config_.cookies, unixNow(), error)) {
        logLine(LogLevel::Warning, "cookies: " + error + " (cookies.secret_file); using a secret kept in memory only");
        config::CookieConfig inMemory = config_.cookies;
        inMemory.secretFile.clear();
        if (!cookies_.start(inMemory, unixNow(), error)) {
          logLine(LogLevel::Error, "cookies: " + error);
          return 1;
        }
      }
      if (!cookies_.warning().empty()) logLine(LogLevel::Warning, cookies_.warning());
    }
    if (cluster_ && cookies_.secrets()) cluster_->shareCookies(cookies_);  // one secret for the NS set, through etcd
    udp.cookies = cookies_.secrets();
    udp.requireCookies = config_.cookies.require;
    WorkerSettings settings{udp, {config_.tcpIdleTimeout, config_.tcpMessageTimeout}, tap_.get()};
    tcpAdmission_ = std::make_unique<TcpAdmission>(TcpLimits{tcpCap(), config_.tcpMaxPerPrefix, config_.tcpPrefixV4,
                                                             config_.tcpPrefixV6});
    for (unsigned i = 0, next = 0; i < workers; ++i) {
      std::vector<ViewPublisher::Reader*> own;
      for (unsigned k = Worker::readersFor(sockets[i]); k > 0; --k) own.push_back(&publisher_->reader(next++));
      workers_.push_back(
          std::make_unique<Worker>(std::move(sockets[i]), *publisher_, std::move(own), settings, *tcpAdmission_));
    }
    std::vector<std::unique_ptr<TapRecorder>> xdpTaps;
    if (tap_) {
      // The AF_XDP queues' rings too are made before the writer starts (it reads the list).
      for (unsigned k = 0; k < xdpReaders; ++k)
        xdpTaps.push_back(std::make_unique<TapRecorder>(tap_->addProducer(false), tap_->clock()));
      // Every answering thread has its ring now; a file that cannot be opened stops the start.
      try {
        tap_->start();
      } catch (const std::exception& e) {
        logLine(LogLevel::Error, std::string(e.what()) + " (dnstap.file)");
        return 1;
      }
      logLine(LogLevel::Info, "dnstap: logging " +
                                  std::string(config_.dnstap->queries && config_.dnstap->responses ? "queries and responses"
                                              : config_.dnstap->queries                             ? "queries"
                                                                                                    : "responses") +
                                  " to " + (config_.dnstap->file.empty() ? "the socket " + config_.dnstap->socket
                                                                         : config_.dnstap->file));
    }
    for (auto& w : workers_) w->start();
    if (config_.xdp) {
      std::vector<ViewPublisher::Reader*> own;
      for (unsigned k = 0; k < xdpReaders; ++k) own.push_back(&publisher_->reader(readers - xdpReaders + k));
      xdp_ = std::make_unique<XdpPath>(*config_.xdp, config_.listen, *publisher_, std::move(own), config_.udpMaxPayload,
                                         config_.http.has_value(), std::move(xdpTaps),
                                         config_.rateLimit ? std::make_shared<const rrl::RateSettings>(rateSettingsFor(
                                                                 *config_.rateLimit, unsigned(config_.xdp->queues.size())))
                                                           : nullptr,
                                         cookies_.secrets(), config_.cookies.require);
      logLine(!xdp_->on() ? LogLevel::Error : xdp_->note().empty() ? LogLevel::Info : LogLevel::Warning, xdp_->describe());
    }


    sigFd_ = sigFd;
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
              dispatchControl(commands_, cmd, args, uid, reply);
            });
      } catch (const std::exception& e) {
        logLine(LogLevel::Error, e.what());
        stopWorkers();
        return 1;
      }
    }
    if (config_.http) {
      try {
        startHttp();
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
    admin_->setEvents([this](const health::HookEvent& e) { fire(e); });  // a window held or opened after a hold
    failOpen_ = std::make_unique<FailOpenWatch>([this](const health::HookEvent& e) { fire(e); });
    regionWatch_ = std::make_unique<RegionWatch>([this](const health::HookEvent& e) { fire(e); });
    if (cluster_) {
      clusterConditions_ = std::make_unique<ClusterConditions>([this](const health::HookEvent& e) { fire(e); });
      // A shared endpoint's hooks hear the decision this node answers on, not its own probes.
      cluster_->setOnDecision([this](const ClusterDecision& d) {
        fire({clusterDecisionEventJson(d, cluster_->node()), d.address, health::observedName(d.from),
              health::observedName(d.to)});
      });
    }
    scheduler_ = std::make_unique<health::Scheduler>(loop_, *prober_, [this](const health::StateChange& c) {
      // Shared in the cluster: this is one node's view (logged); its event comes with the
      // decision, from localChange() below, when the view changes it.
      const bool clusterDecides = cluster_ && c.spec && cluster_->shares(*c.spec, c.address);
      logHealthChange(c, clusterDecides);
      if (!clusterDecides) fire({healthEventJson(c), c.address, health::observedName(c.from), health::observedName(c.to)});
      if (cluster_) cluster_->localChange(c);
      judgeRegions();
    });
    // Probes that fail on this machine (no descriptor, no memory) leave health as it is; one
    // line every 10 s at most says how many did.
    scheduler_->setOnLocalFailure([this](const std::string& address, const std::string& check, const std::string& reason) {
      ++localFailuresUnlogged_;
      const auto now = std::chrono::steady_clock::now();
      if (now < nextLocalFailureLog_) return;
      nextLocalFailureLog_ = now + std::chrono::seconds(10);
      logLine(LogLevel::Warning, "health: a probe of " + address + " (check " + check +
                                     ") failed on this machine; the endpoint keeps its state: " + reason + " (" +
                                     std::to_string(localFailuresUnlogged_) + " such failure(s) since the last line)");
      localFailuresUnlogged_ = 0;
    });
    setProbeTargets();
    loader_ = std::make_unique<BackgroundLoad>(
        loop_, configPath_, registry_, [this] { return publisher_->current(); },
        [this](BackgroundLoad::Result& r, std::vector<BackgroundLoad::Request>& q) { finishLoad(r, q); });
    resigner_ = std::make_unique<BackgroundResign>(loop_, [this](BackgroundResign::Result& r) { finishResign(r); });
    tick();

    std::string where;
    for (const auto& b : bound) where += (where.empty() ? "" : ", ") + b.text;
    logLine(LogLevel::Info, "ready: " + std::to_string(publisher_->current()->zones().size()) + " zone(s), " +
                                std::to_string(workers) + " worker(s), udp+tcp on " + where);
    notify_.send("READY=1\nSTATUS=" + serviceStatus());
    if (notify_.watchdog().count() > 0) pingWatchdog();
    loop_.run();
    shutDown();
    return exitCode_;
  }

 private:
  // The one line `systemctl status` shows.
  std::string serviceStatus() const {
    std::string s = "serving " + std::to_string(publisher_->current()->zones().size()) + " zone(s); " +
                    std::to_string(reloads_) + " reload(s) applied, " + std::to_string(failedReloads_) + " failed";
    if (!failOpen_) return s;
    const uint64_t failing = failOpen_->failingOpen();
    return failing ? s + "; " + std::to_string(failing) + " record(s) failing open" : s;
  }

  // WATCHDOG=1 from the control loop only, at half systemd's interval: a loop that stops
  // turning stops the pings, and systemd restarts the daemon.
  void pingWatchdog() {
    while (!loopStallFile().empty() && access(loopStallFile().c_str(), F_OK) == 0) usleep(20'000);  // tests only
    notify_.send("WATCHDOG=1");
    const auto half = std::chrono::duration_cast<std::chrono::milliseconds>(notify_.watchdog() / 2);
    loop_.after(std::max(half, std::chrono::milliseconds(1)), [this] { pingWatchdog(); });
  }

  // dnstap's records name a region by number and view: its writer gets the names first.
  void nameRegionsForTap(const zones::View& view) {
    std::vector<std::string> names;
    for (const auto& r : view.regions()) names.push_back(r.name);
    tap_->nameRegions(view.serial(), std::move(names));
  }

  static void logDescriptorLimit(const DescriptorLimit& l) {
    if (!l.problem.empty())
      logLine(LogLevel::Warning, "descriptors: cannot raise the limit (" + l.problem + "); soft limit " +
                                     std::to_string(l.soft) + ", hard " + std::to_string(l.hard));
    else if (l.soft != l.before)
      logLine(LogLevel::Info, "descriptors: soft limit raised from " + std::to_string(l.before) + " to the hard limit " +
                                  std::to_string(l.soft));
    else
      logLine(LogLevel::Info, "descriptors: limit " + std::to_string(l.soft) + " (the hard limit)");
  }

  // The HTTP listener's pages, each made on the loop from the snapshots the control commands
  // print (docs/metrics.md).
  void startHttp() {
    using http::Response;
    const char* kJson = "application/json";
    std::vector<http::Listener> listeners;
    for (const auto& l : config_.http->listen) listeners.push_back({l.address, l.port, l.text});
    std::vector<http::HttpServer::Route> routes = {
        {"/metrics",
         [this] {
           MetricsInputs in{stats(), status(false, false), publisher_->generation(), kVersion};
           if (regionWatch_) in.recordRegions = regionWatch_->rows();
           for (int c = 1; c <= 5; ++c) in.httpAnswered[c] = http_->answered(c);
           in.logLinesDropped = logLinesDropped();
           return Response{200, "text/plain; version=0.0.4; charset=utf-8", metricsText(in), {}};
         }},
        {"/healthz", [] { return Response{200, "text/plain; charset=utf-8", "ok\n", {}}; }, true},
        {"/readyz",
         [this] {
           // Open to anyone: judged at most once a second (a status report walks every zone),
           // and without credentials configured only, what it waits for is said.
           const auto now = std::chrono::steady_clock::now();
           if (now - readyJudged_ >= std::chrono::seconds(1)) {
             ready_ = readiness(status(false, false));
             readyJudged_ = now;
           }
           const bool open = config_.http->token.empty() && config_.http->user.empty();
           return Response{ready_.ready ? 200 : 503, "text/plain; charset=utf-8",
                           (ready_.ready || open ? ready_.why : "not ready") + "\n", {}};
         },
         true},
        {"/api/v1/status",
         [this, kJson] {
           nlohmann::json s = status(false, cluster_ != nullptr);
           s["recent_events"] = nlohmann::json::array();
           for (const auto& e : recentEvents_) s["recent_events"].push_back(nlohmann::json::parse(e, nullptr, false));
           return Response{200, kJson, s.dump(), {}};
         }},
        {"/api/v1/steering",
         [this, kJson] {
           const auto view = publisher_->current();
           if (groupsOf_ != publisher_->generation()) {  // the groups depend on the view only
             groups_ = clientGroups(*view);
             groupsOf_ = publisher_->generation();
           }
           const nlohmann::json map = {{"records", steeringMap(*view, groups_, admin_->effective(), unixNow())}};
           return Response{200, kJson, map.dump(), {}};
         }},
        {"/",
         [] {
           return Response{200, "text/html; charset=utf-8", std::string(statusPageHtml()),
                           {{"Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                                                        "style-src 'unsafe-inline'; connect-src 'self'"}}};
         }},
    };
    http_ = std::make_unique<http::HttpServer>(
        loop_, listeners, http::Credentials{config_.http->token, config_.http->user, config_.http->password},
        std::move(routes), [](const std::string& m) { logLine(LogLevel::Warning, m); });
    std::string where;
    for (const auto& l : listeners) where += (where.empty() ? "" : ", ") + l.text;
    logLine(LogLevel::Info, "http: metrics, health and status on " + where +
                                (config_.http->token.empty() && config_.http->user.empty() ? " (no credentials asked)" : ""));
  }

  // Every event the hooks get, also kept for the status page's recent changes.
  void fire(const health::HookEvent& e) {
    recentEvents_.push_back(e.json);
    if (recentEvents_.size() > kRecentEvents) recentEvents_.pop_front();
    hooks_->fire(e);
  }

  // tcp.max_connections, or fewer when the descriptor limit leaves no room for them beside
  // what the daemon holds and the reserve for probes, hooks and the control socket.
  unsigned tcpCap() const {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    unsigned cap = tcpConnectionsThatFit(config_.tcpMaxConnections, r.rlim_cur, descriptorsInUse());
    if (cap < config_.tcpMaxConnections)
      logLine(LogLevel::Warning, "tcp: at most " + std::to_string(cap) + " connections, not " +
                                     std::to_string(config_.tcpMaxConnections) + ": the descriptor limit is " +
                                     std::to_string(r.rlim_cur) + " and " + std::to_string(kDescriptorReserve) +
                                     " are kept for health probes, hooks and the control socket");
    return cap;
  }

  // Once a second: sample availability, every fifth second look at the admin state file, and
  // step the windows too (a held one opens at the first second it is safe), in case an edge
  // was missed (the wall clock stepped).
  void tick() {
    int64_t now = unixNow();
    admin_->tick(now);
    judgeRegions();  // a flapping record's lines catch up
    if (cluster_ && clusterConditions_) clusterConditions_->observe(cluster_->summary(), now);
    availability_.sample(*publisher_->current(), now);
    bool warning = false;
    if (std::string line = packetErrors_.observe(totals(), std::chrono::steady_clock::now(), warning); !line.empty())
      logLine(warning ? LogLevel::Warning : LogLevel::Info, line);
    armWindowEdge();
    resignWhenDue(now);
    if (std::string line = cookies_.tick(now); !line.empty())
      logLine(line.find("could not") != std::string::npos ? LogLevel::Warning : LogLevel::Info, line);
    loop_.after(std::chrono::milliseconds(1000), [this] { tick(); });
  }

  // A signed zone's static signatures are made again before they expire, in place: a view
  // like the served one, each due zone in it a copy signed again from the same compiled data
  // and keys (BackgroundResign, dnssec::resignView). No file is read, so an edit not reloaded
  // yet is not published by a timer, and a broken file (another zone's, the configuration, a
  // geo database being copied) cannot block it. A zone that cannot be signed again keeps its
  // signatures and is tried again every five minutes. Due times are looked up in each view
  // once (they never change in a view), so a view published is acted on at the next second.
  void resignWhenDue(int64_t now) {
    const zones::View* view = publisher_->current();
    if (publisher_->generation() != resignGeneration_) {
      if (!resignHeld_) nextResignTry_ = 0;  // a new view's first due time is acted on at once
      resignHeld_ = false;
      lookForResign(*view);
    }
    if (!resignDue_ || now < resignDue_ || now < nextResignTry_ || loader_->running() || resigner_->running()) return;
    nextResignTry_ = now + 300;
    logLine(LogLevel::Info, "re-signing: the signatures of " + resignZone_ + " are due to be made again; signing in place");
    resigner_->start(*view, resignGeneration_, static_cast<uint32_t>(now));
  }

  void lookForResign(const zones::View& view) {
    resignGeneration_ = publisher_->generation();
    resignDue_ = 0;
    for (const auto& zone : view.zones())
      if (zone->resignAt() && (!resignDue_ || zone->resignAt() < resignDue_)) {
        resignDue_ = zone->resignAt();
        resignZone_ = wire::nameToText(zone->apex());
      }
  }

  // A re-sign finished beside the loop: published unless the view it was made from is no longer
  // the one served (a reload came first: that view is re-signed in its turn) or a load is
  // reading the served view now (it must not be freed under it: tried again once that is done).
  void finishResign(BackgroundResign::Result& result) {
    for (const auto& w : result.diags.warnings()) logLine(LogLevel::Warning, w.toString());
    for (const auto& e : result.diags.errors()) logLine(LogLevel::Error, e.toString());
    const bool failures = !result.diags.ok();
    if (!result.view) {
      logLine(LogLevel::Error, "re-signing in place failed; the signatures made before keep being served; trying again at " +
                                   wire::formatUtc(nextResignTry_));
      return;
    }
    if (result.basedOn != publisher_->generation() || loader_->running()) {
      logLine(LogLevel::Info, "re-signing: a reload came first; what it serves is re-signed once it is done");
      nextResignTry_ = 0;
      return;
    }
    const SlotNames counted = slotNames(*publisher_->current());
    if (tap_) nameRegionsForTap(*result.view);  // a new view: its serial names the regions anew
    publisher_->publish(std::move(result.view));
    // No worker holds the old view any more: what was counted until now was counted under it.
    tallies_.rebase(totals(), counted);
    judgeRegions();  // the zones signed again are other objects (their records are the same)
    for (const auto& r : result.resigned)
      logLine(LogLevel::Info, "re-signed " + r.apex + " in place: " + std::to_string(r.signatures) +
                                  " signatures, next due " + wire::formatUtc(r.resignAt));
    // Zones that could not be signed again wait their five minutes, new view or not.
    resignHeld_ = failures;
    if (!failures) nextResignTry_ = 0;
  }

  // Windows open and close on their edge by this node's clock, within a few ms, not at the
  // next tick (up to a second late, and at another phase on every node): a timer at the next
  // start or end of any window, armed again whenever the overrides may have changed (an admin
  // command, a watch event, a reload, each tick).
  void armWindowEdge() {
    const int64_t edge = admin_->nextWindowEdge(unixNow());
    if (edge == edgeArmed_ && edgeTimer_) return;
    if (edgeTimer_) loop_.cancel(edgeTimer_);
    edgeTimer_ = 0;
    edgeArmed_ = edge;
    if (!edge) return;
    // At most an hour ahead (the timer is armed again then): an edge may lie past year 9999,
    // where the clock's nanoseconds overflow.
    const int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    const int64_t delayMs = edge - nowMs / 1000 > 3600 ? 3600 * 1000 : edge * 1000 - nowMs + 1;
    edgeTimer_ = loop_.after(std::chrono::milliseconds(std::max<int64_t>(delayMs, 1)), [this] { onWindowEdge(); });
  }

  void onWindowEdge() {
    edgeTimer_ = 0;
    const int64_t now = unixNow();
    // The loop times by the steady clock, which may run a little ahead of the wall clock:
    // early, the timer is armed again for what is left.
    if (now >= edgeArmed_) {
      admin_->stepWindows(now);
      judgeRegions();
    }
    armWindowEdge();
  }

  // The one order of shutting down, each step for the reason given:
  //  1. the background load and re-sign: either may be running and cannot be cut short, and
  //     each publishes through the loop's objects below;
  //  2. the cluster node: revoking this node's lease takes its reports out of the others'
  //     status at once (and its callbacks use the admin state and the view);
  //  3. probe and hook children: killed, so none outlives the daemon;
  //  4. the scheduler, then the hooks and the prober it calls: no probe result arrives after;
  //  5. the control server and the HTTP listener: no command or page runs against what follows;
  //  6. the signal descriptor;
  //  7. the workers and the XDP path last: queries are answered until the very end, and
  //     their counters are read once they have stopped, for the closing line.
  void shutDown() {
    loader_.reset();
    resigner_.reset();
    cluster_.reset();
    health::killRunningChildren();
    scheduler_.reset();
    failOpen_.reset();  // it fires hooks
    regionWatch_.reset();  // so does it
    clusterConditions_.reset();  // and it
    hooks_.reset();
    prober_.reset();
    control_.reset();
    http_.reset();
    close(sigFd_);
    engine::StatsTotals total = stopWorkers();
    logLine(LogLevel::Info, "stopped after " + std::to_string(total.received) + " queries (" +
                                std::to_string(total.dropped) + " dropped, " + std::to_string(total.truncated) +
                                " truncated)");
  }

  // Fail-open and each record's regions are judged here, off the answer path, whenever health
  // or the overrides change: once after the loop's current events, so a burst of health
  // changes is judged once.
  void judgeRegions() {
    if (!failOpen_ || judgeDue_) return;
    judgeDue_ = true;
    loop_.after(std::chrono::milliseconds(0), [this] {
      judgeDue_ = false;
      if (!failOpen_ || !regionWatch_) return;
      const AdminState inEffect = admin_->effective();
      const int64_t now = unixNow();
      JudgeInputs in = judgeInputs(inEffect, now);
      const bool settled = failOpen_->settled() && regionWatch_->settled();
      if (in == lastJudged_ && settled) return;  // it would find the same
      const auto view = publisher_->current();
      std::vector<const zones::Zone*> added, removed;
      if (settled && onlyZonesChanged(in, added, removed)) {
        // A reload: only the zones it compiled are judged (a second at 100,000 records otherwise).
        failOpen_->evaluateZones(*view, in.generation, added, removed, inEffect, now);
        regionWatch_->evaluateZones(*view, added, removed, inEffect, now);
      } else {
        failOpen_->evaluate(*view, in.generation, inEffect, now);
        regionWatch_->evaluate(*view, inEffect, now);
      }
      const bool newView = in.generation != lastJudged_.generation;
      lastJudged_ = std::move(in);
      judgedZones_ = view->zones();
      judgedRegions_.clear();
      for (const auto& r : view->regions()) judgedRegions_.push_back(r.name);
      // The zones a reload removed were held until now (here and by the fail-open watch):
      // only now are their endpoints' cells unused, and forgotten (a cell kept would come back
      // with its old health when the endpoint does).
      if (newView) registry_.collect();
    });
  }

  // Whether a zone at or under `apex` (lowercase wire) holds `name`'s place: a zone's names
  // may be shadowed by another zone's nested in it, and the watchers know records by name.
  static bool atOrUnder(std::string_view name, std::string_view apex) {
    while (name.size() > apex.size()) name = wire::parentName(name);
    return name == apex;
  }


  // All that the judges read: the view, the drains and forced states in effect, and what every
  // endpoint's probes see. A pass over 100,000 steered records takes about a second of the
  // control loop, so the once-a-second call skips it when none of this moved and nothing
  // waits to be told. Reading 30,000 cells costs microseconds.
  struct JudgeInputs {
    uint64_t generation = 0;
    std::vector<std::string> drained;
    std::map<ForceTarget, health::Forced> forced;
    std::vector<std::pair<const health::HealthCell*, uint8_t>> observed;  // every endpoint's, in view order
    bool operator==(const JudgeInputs&) const = default;
  };
  JudgeInputs judgeInputs(const AdminState& state, int64_t now) const {
    JudgeInputs in;
    in.generation = publisher_->generation();
    for (const auto& [region, drain] : state.effectiveDrains(now)) in.drained.push_back(region);
    in.forced = state.forced;
    zones::forEachEndpoint(*publisher_->current(), [&](const zones::EndpointInView& e) {
      in.observed.emplace_back(e.cell.get(), static_cast<uint8_t>(e.cell->observed.load(std::memory_order_relaxed)));
    });
    return in;
  }

  // Whether `in` differs from what the last judgement read in the view only, with every
  // endpoint of the zones both views hold seen as it was: then those zones' records judge as
  // they did, and only `added` (new in this view) and `removed` (gone from it) need a look.
  bool onlyZonesChanged(const JudgeInputs& in, std::vector<const zones::Zone*>& added,
                        std::vector<const zones::Zone*>& removed) const {
    if (in.generation == lastJudged_.generation || in.drained != lastJudged_.drained ||
        in.forced != lastJudged_.forced || judgedZones_.empty())
      return false;
    const auto view = publisher_->current();
    // Other regions: every pair's region name may have moved (and no zone was kept anyway).
    if (view->regions().size() != judgedRegions_.size()) return false;
    for (size_t i = 0; i < judgedRegions_.size(); ++i)
      if (view->regions()[i].name != judgedRegions_[i]) return false;
    std::unordered_set<const zones::Zone*> before, now;
    for (const auto& z : judgedZones_) before.insert(z.get());
    for (const auto& z : view->zones()) {
      now.insert(z.get());
      if (!before.count(z.get())) added.push_back(z.get());
    }
    for (const auto& z : judgedZones_)
      if (!now.count(z.get())) removed.push_back(z.get());
    // A zone added or removed inside a kept one, or around it, changes which zone holds some
    // names the kept one's records have: the whole view is judged.
    for (const auto* changed : {&added, &removed})
      for (const auto* c : *changed)
        for (const auto& z : view->zones())
          if (before.count(z.get()) && (atOrUnder(c->apex(), z->apex()) || atOrUnder(z->apex(), c->apex())))
            return false;
    // The kept zones' cells are the same objects in both views: each must read as it did.
    std::unordered_map<const health::HealthCell*, uint8_t> was;
    was.reserve(lastJudged_.observed.size());
    for (const auto& [cell, observed] : lastJudged_.observed) was.emplace(cell, observed);
    bool same = true;
    zones::forEachEndpoint(*view, [&](const zones::EndpointInView& e) {
      if (!same || !before.count(&e.zone)) return;
      auto it = was.find(e.cell.get());
      same = it != was.end() && it->second == static_cast<uint8_t>(e.cell->observed.load(std::memory_order_relaxed));
    });
    return same;
  }

  void setProbeTargets() {
    auto targets = probeTargets(*publisher_->current(), cluster_ != nullptr);
    if (cluster_) cluster_->setTargets(targets, contentHash_);
    scheduler_->setTargets(std::move(targets));
  }

  engine::StatsTotals stopWorkers() {
    engine::StatsTotals total;
    if (xdp_) {
      xdp_->stop();
      xdp_->addStatsTo(total);
    }
    for (auto& w : workers_) {
      w->stop();
      w->addStatsTo(total);
    }
    if (tap_) tap_->stop();  // after the workers: what they logged is written
    return total;
  }

  static nlohmann::json errorsOf(const yaml::Diagnostics& diags) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : diags.errors()) list.push_back(e.toString());
    return list;
  }

  // The control commands (docs/control-protocol.md): a new one is one more row here.
  std::vector<ControlCommand> controlCommands() {
    using control::ArgumentType;
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
        admin_->execute(command, args, uid, [this, reply](const nlohmann::json& r) {
          judgeRegions();
          armWindowEdge();  // a window scheduled, replaced or ended
          reply(r);
        });
      };
    };
    const control::ArgumentSpec adminArguments = {
        {"target", ArgumentType::String}, {"state", ArgumentType::String},   {"reason", ArgumentType::String},
        {"force", ArgumentType::Boolean}, {"dry_run", ArgumentType::Boolean}, {"local", ArgumentType::Boolean},
        {"start", ArgumentType::Time}, {"end", ArgumentType::Time}};
    return {
        {"reload", {{"force", ArgumentType::Boolean}}, load(true)},
        {"check", {{"force", ArgumentType::Boolean}}, load(false)},
        {"ping", {}, [this](const nlohmann::json&, uid_t, const ControlServer::Reply& reply) {
           reply(control::success({{"config", configPath_}}));
         }},
        {"drain", adminArguments, admin("drain")},
        {"undrain", adminArguments, admin("undrain")},
        {"drill",
         {{"target", ArgumentType::String}, {"seconds", ArgumentType::Integer}, {"sample", ArgumentType::Integer},
          {"reason", ArgumentType::String}, {"force", ArgumentType::Boolean}, {"dry_run", ArgumentType::Boolean},
          {"local", ArgumentType::Boolean}},
         [this, admin](const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply) {
           DrillCommand(
               loop_, [this]() -> const zones::View& { return *publisher_->current(); },
               [this] { return admin_->effective(); },
               [admin](const std::string& command, const nlohmann::json& a, uid_t u, const ControlServer::Reply& r) {
                 admin(command)(a, u, r);
               })
               .run(args, uid, reply);
         }},
        {"force", adminArguments, admin("force")},
        {"status", {{"detail", ArgumentType::Boolean}, {"cluster", ArgumentType::Boolean}},
         [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           reply(control::success(status(args.value("detail", false), args.value("cluster", false))));
         }},
        {"explain",
         {{"name", ArgumentType::String}, {"type", ArgumentType::String}, {"client", ArgumentType::String},
          {"ecs", ArgumentType::String}},
         [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           auto r = explain(*publisher_->current(), args);
           reply(r.contains("error") ? control::failure(r["error"].get<std::string>()) : control::success(r));
         }},
        {"dnssec", {{"zone", ArgumentType::String}},
         [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           const std::string zone = args.value("zone", std::string());
           auto zones = dnssecReport(*publisher_->current(), zone);
           if (zones.empty())
             return reply(control::failure(zone.empty() ? "no zone is signed (dnssec: in a zone policy file; docs/dnssec.md)"
                                                        : "zone " + zone + " is not served here, or not signed"));
           reply(control::success({{"zones", std::move(zones)}}));
         }},
        {"export", {{"zone", ArgumentType::String}, {"client", ArgumentType::String}, {"nsec_chain", ArgumentType::Boolean}},
         [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           const std::string clientText = args.value("client", std::string("0.0.0.0"));
           const auto client = wire::Address::parse(clientText);
           if (!client) return reply(control::failure("--client needs an IPv4 or IPv6 address, not '" + clientText + "'"));
           auto r = exportZone(*publisher_->current(), {args.value("zone", std::string()), *client, args.value("nsec_chain", false)});
           reply(r.contains("error") ? control::failure(r["error"].get<std::string>()) : control::success(std::move(r)));
         }},
        {"stats", {}, [this](const nlohmann::json&, uid_t, const ControlServer::Reply& reply) { reply(control::success(stats())); }},
        {"history", {{"limit", ArgumentType::Integer}},
         [this](const nlohmann::json& args, uid_t, const ControlServer::Reply& reply) {
           const int64_t asked = args.value("limit", int64_t(20));
           if (asked < 1 || asked > 1000) return reply(control::failure("limit must be from 1 to 1000, not " + std::to_string(asked)));
           const size_t limit = static_cast<size_t>(asked);
           if (cluster_)
             return cluster_->history(limit, [this, limit, reply](nlohmann::json r) {
               // etcd away: this node's own audit log, said to be only that.
               if (r.value("code", std::string()) != "cluster_unreachable" || config_.stateDir.empty()) return reply(r);
               reply(control::success(
                   {{"history", localHistory(config_.stateDir, limit)},
                    {"source", "local"},
                    {"etcd_error", r.value("error", std::string())},
                    {"note", "etcd is unreachable, so this is not the cluster's history: these are this node's own "
                             "entries only, from " + config_.stateDir + "/audit.log (other nodes' actions are not shown)"}}));
             });
           if (config_.stateDir.empty())
             return reply(control::failure("no state_dir is configured, so no admin action is recorded"));
           reply(control::success({{"history", localHistory(config_.stateDir, limit)}}));
         }},
    };
  }

  nlohmann::json stats() const {
    engine::StatsTotals t = totals();
    nlohmann::json xdp = xdp_ ? xdp_->status() : nlohmann::json();
    const SlotNames names = slotNames(*publisher_->current());
    nlohmann::json s = statsSnapshot({t, tallies_, names, reloads_, failedReloads_,
                                      scheduler_->changes(), xdp_ ? &xdp : nullptr, scheduler_->localFailures(),
                                      tcpAdmission_->open(), tcpAdmission_->limits().maxConnections,
                                      tcpAdmission_->refused(), tcpAdmission_->evicted()});
    if (tap_) {
      const auto c = tap_->counts();
      s["dnstap"] = {{"frames", c.frames}, {"dropped_queue_full", c.droppedFull},
                     {"dropped_unwritten", c.droppedUnwritten}, {"responses_too_big", c.responsesTooBig}};
    }
    if (!config_.http) {  // the workers count these only where metrics are served
      for (const char* key : {"by_zone", "answers_by_record", "answer_time"}) s.erase(key);
      s["detail"] = "off: no http listener is configured, so queries by zone, answers by record and the answer time are not counted";
    }
    s["fail_open_records"] = failOpen_->failingOpen();
    s["fail_open_entered"] = failOpen_->entered();
    return s;
  }

  engine::StatsTotals totals() const {
    engine::StatsTotals t;
    for (const auto& w : workers_) w->addStatsTo(t);
    if (xdp_) xdp_->addStatsTo(t);
    return t;
  }

  nlohmann::json status(bool detail, bool withNodes) const {
    auto probes = scheduler_->status();
    AdminState inEffect = admin_->effective();
    nlohmann::json s = statusReport({*publisher_->current(), inEffect, probes, availability_, admin_->droppedOverrides(),
                                     unixNow(), detail, cluster_.get(), cluster_ ? &admin_->local() : nullptr,
                                     withNodes});
    s["fail_open"] = failOpen_->records();  // printed first
    if (xdp_) s["xdp"] = xdp_->status();
    if (auto signedZones = dnssecReport(*publisher_->current()); !signedZones.empty()) s["dnssec"] = std::move(signedZones);
    if (cookies_.secrets()) {
      // The secret's age and where it lives: a node whose secret differs from its peers'
      // answers their clients' cookies as invalid (the cookies counters show it too).
      s["cookies"] = {{"made", cookies_.made()},
                      {"rotates", cookies_.nextRotation()},
                      {"previous_accepted", cookies_.file().previous.has_value()},
                      {"kept", cookies_.clustered() ? "cluster" : cookies_.path().empty() ? "memory" : "file"},
                      {"file", cookies_.path()},
                      {"require", config_.cookies.require}};
    }
    return s;
  }

  void onSignal(int sigFd) {
    signalfd_siginfo info;
    while (read(sigFd, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGHUP) {
        logLine(LogLevel::Info, "SIGHUP: reloading " + configPath_ +
                                    (loader_->running() ? " (queued behind the reload running now)" : ""));
        // systemd's ExecReload sends this: it waits for READY=1 once this reload is done,
        // applied or refused (the old configuration keeps serving then).
        notify_.reloading();
        loader_->request({true, false, [this](const nlohmann::json&) {
                            notify_.send("READY=1\nSTATUS=" + serviceStatus());
                          }});
      } else {
        logLine(LogLevel::Info, std::string("stopping on ") + (info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT"));
        notify_.send("STOPPING=1\nSTATUS=stopping");
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
      checked = control::success({{"summary", describeReload(*result.loaded)}});
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
    if (httpText(loaded->config) != httpText(config_))
      logLine(LogLevel::Warning, "http: its addresses and credentials change only on restart");
    if (loaded->config.rateLimit != config_.rateLimit)
      logLine(LogLevel::Warning, "rate_limit: its settings change only on restart");
    if (std::string line = cookies_.reload(loaded->config.cookies, unixNow()); !line.empty())
      logLine(line.find("secrets read again") != std::string::npos ? LogLevel::Info : LogLevel::Warning, line);
    configureLog(logSettings(loaded->config));
    std::string summary = describeReload(*loaded);
    applyAdminState(admin_->effective(), *loaded->view, *loaded->admin, unixNow());
    contentHash_ = loaded->contentHash;
    adminCells_ = std::move(loaded->admin);  // with the view it belongs to
    const SlotNames counted = slotNames(*publisher_->current());
    if (tap_) nameRegionsForTap(*loaded->view);
    publisher_->publish(std::move(loaded->view));
    // No worker holds the old view any more: what was counted until now was counted under it.
    tallies_.rebase(totals(), counted);
    setProbeTargets();
    registry_.collect();  // endpoints no view names any more
    judgeRegions();
    armWindowEdge();
    ++reloads_;
    logLine(LogLevel::Info, "reloaded: " + summary.substr(0, summary.find('\n')) + "; " + describeCompiled(*loaded));
    return control::success({{"summary", summary}});
  }

  std::string configPath_;
  lodestar::config::ServerConfig config_;
  health::Registry registry_;  // endpoint health, kept across reloads
  std::shared_ptr<zones::AdminCells> adminCells_;  // the served view's override table, writable
  uint64_t reloads_ = 0, failedReloads_ = 0;
  int sigFd_ = -1;
  Tallies tallies_;            // answers per region, zone and record name across reloads
  Availability availability_;  // per region and pool, sampled by tick()
  CookieKeeper cookies_;  // the DNS cookie secrets the answering threads read (declared first: outlives them)
  std::unique_ptr<ViewPublisher> publisher_;
  std::unique_ptr<TcpAdmission> tcpAdmission_;  // the TCP caps the workers share: outlives them
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<XdpPath> xdp_;  // only with xdp: in the config
  loop::EventLoop loop_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<http::HttpServer> http_;  // only with http: in the config
  Readiness ready_;                            // /readyz's last judgement
  std::chrono::steady_clock::time_point readyJudged_{};
  static constexpr size_t kRecentEvents = 50;
  std::deque<std::string> recentEvents_;      // the last events the hooks got, oldest first
  uint64_t groupsOf_ = 0;                     // the view generation groups_ belongs to
  std::vector<ClientGroup> groups_;           // the steering map's client groups of that view
  std::unique_ptr<health::Prober> prober_;
  std::unique_ptr<health::HookRunner> hooks_;
  std::unique_ptr<health::Scheduler> scheduler_;
  std::unique_ptr<FailOpenWatch> failOpen_;  // records with clients and no usable region, told loudly
  PacketErrorLog packetErrors_;  // malformed queries and unsent answers: a line per 10 s at most
  SystemdNotify notify_ = SystemdNotify::fromEnvironment();  // before any probe or hook runs a child
  std::unique_ptr<RegionWatch> regionWatch_;  // each record's regions up or down, told
  std::unique_ptr<ClusterConditions> clusterConditions_;  // clustered: degraded, config mismatch, isolated, told
  bool judgeDue_ = false;                     // a judgement is queued on the loop
  JudgeInputs lastJudged_;                    // what the last judgement read
  std::vector<std::shared_ptr<zones::Zone>> judgedZones_;  // the zones of the view it judged (held)
  std::vector<std::string> judgedRegions_;                 // and its regions' names
  uint64_t localFailuresUnlogged_ = 0;
  std::chrono::steady_clock::time_point nextLocalFailureLog_{};
  std::unique_ptr<BackgroundLoad> loader_;  // reloads and checks, beside the loop
  std::vector<ControlCommand> commands_;     // the control commands
  std::unique_ptr<AdminControl> admin_;       // operator overrides: outlives the cluster node that calls it
  loop::EventLoop::TimerId edgeTimer_ = 0;    // at the next window edge (0: none armed)
  int64_t edgeArmed_ = 0;                     // that edge, unix seconds
  std::unique_ptr<BackgroundResign> resigner_;  // signatures made again in place, beside the loop
  uint64_t resignGeneration_ = 0;             // the publisher generation resignDue_ was found in
  int64_t resignDue_ = 0;                     // its earliest zones::Zone::resignAt (0: none)
  std::string resignZone_;                    // that zone, for the log
  int64_t nextResignTry_ = 0;                 // not before (a failed re-sign waits five minutes)
  bool resignHeld_ = false;                   // the next view keeps nextResignTry_ (some zone failed)
  int exitCode_ = 0;                          // 1: stopped because it must not run (cluster: name taken)
  std::unique_ptr<dnstap::TapWriter> tap_;  // with dnstap: in the configuration
  std::unique_ptr<ClusterNode> cluster_;      // with cluster: in the configuration
  std::string contentHash_;                   // of what this node serves, for the others to compare
};

}  // namespace

void stallControlLoopForTests(std::string path) { loopStallFile() = std::move(path); }

int runDaemon(const std::string& configPath) {
  const int status = Daemon(configPath).run();
  flushLog();  // the last lines, before the process ends
  return status;
}

}  // namespace lodestar::server
