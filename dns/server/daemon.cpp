// Start-up is fatal and loud; once serving, only a signal stops the daemon.
#include "dns/server/daemon.hpp"

#include <signal.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "dns/server/config.hpp"
#include "dns/server/log.hpp"
#include "dns/server/socket_set.hpp"
#include "dns/server/worker.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::dns {

namespace {

struct Loaded {
  ServerConfig config;
  std::unique_ptr<zones::View> view;
};

std::optional<Loaded> loadAll(const std::string& configPath, zones::Diagnostics& diags) {
  auto config = loadServerConfig(configPath, diags);
  if (!config) return std::nullopt;
  std::shared_ptr<const geo::Database> db;
  if (!config->geoDatabase.empty()) {
    std::string error;
    db = geo::Database::open(config->geoDatabase, error);
    if (!db) {
      diags.error(config->geoDatabaseWhere, "geo.database: " + error);
      return std::nullopt;
    }
  }
  auto view = zones::loadView(config->zonePaths, db, diags);
  if (!view) return std::nullopt;
  return Loaded{std::move(*config), std::move(view)};
}

size_t countNodes(const zones::View& v) {
  size_t n = 0;
  for (const auto& z : v.zones()) n += z->nodeCount();
  return n;
}

}  // namespace

int checkConfiguration(const std::string& configPath, std::ostream& out, std::ostream& err) {
  zones::Diagnostics diags;
  auto loaded = loadAll(configPath, diags);
  err << diags.report();
  if (!loaded) return 1;
  out << configPath << ": ok, " << loaded->view->zones().size() << " zone(s), " << countNodes(*loaded->view)
      << " name(s)";
  if (const auto* db = loaded->view->database()) out << ", geo database " << db->path() << " (" << db->description() << ")";
  out << "\n";
  for (const auto& zone : loaded->view->zones()) {
    for (const auto& s : zone->steered()) {
      out << "  " << s->name << " steered by " << zones::policyName(s->policy) << " over pool " << s->pool->name
          << ", TTL " << s->ttl << "s, " << s->tree->nodeCount() << " tree nodes, " << s->orders->size()
          << " region orders\n";
    }
  }
  return 0;
}

int runDaemon(const std::string& configPath) {
  zones::Diagnostics diags;
  auto loaded = loadAll(configPath, diags);
  for (const auto& w : diags.warnings()) logLine(LogLevel::Warning, w.toString());
  if (!loaded) {
    for (const auto& e : diags.errors()) logLine(LogLevel::Error, e.toString());
    logLine(LogLevel::Error, "configuration has errors; not starting");
    return 1;
  }
  const ServerConfig& config = loaded->config;
  unsigned workers = config.workers ? config.workers : std::max(1u, std::thread::hardware_concurrency());

  // Signals go to this thread only (sigwait below); workers inherit the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::vector<BoundAddress> bound;
  std::vector<WorkerSockets> sockets;
  try {
    sockets = openSockets(config.listen, workers, bound);
  } catch (const std::exception& e) {
    logLine(LogLevel::Error, e.what());
    return 1;
  }

  std::atomic<const zones::View*> view{loaded->view.get()};
  WorkerSettings settings{config.udpMaxPayload, std::max(1u, config.tcpMaxConnections / workers),
                          config.tcpIdleTimeout};
  std::vector<std::unique_ptr<Worker>> pool;
  for (auto& s : sockets) pool.push_back(std::make_unique<Worker>(std::move(s), view, settings));
  for (auto& w : pool) w->start();

  std::string where;
  for (const auto& b : bound) where += (where.empty() ? "" : ", ") + b.text;
  logLine(LogLevel::Info, "ready: " + std::to_string(loaded->view->zones().size()) + " zone(s), " +
                              std::to_string(workers) + " worker(s), udp+tcp on " + where);

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      logLine(LogLevel::Warning, "SIGHUP: live reload is not implemented yet; restart to apply changes");
      continue;
    }
    logLine(LogLevel::Info, std::string("stopping on ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
    break;
  }
  QueryStats total;
  for (auto& w : pool) {
    w->stop();
    total.add(w->stats());
  }
  logLine(LogLevel::Info, "stopped after " + std::to_string(total.received) + " queries (" +
                              std::to_string(total.dropped) + " dropped, " + std::to_string(total.truncated) +
                              " truncated)");
  return 0;
}

}  // namespace lodestar::dns
