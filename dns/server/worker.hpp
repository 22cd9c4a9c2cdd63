// One query worker (one per core): a UDP thread per listening address, each blocking in its
// own SO_REUSEPORT socket, and one thread with an epoll loop for this worker's TCP. No state
// is shared with other workers except the published view pointer.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "dns/dnstap/tap_writer.hpp"
#include "dns/dnssec/online_signer.hpp"
#include "dns/engine/fast_random.hpp"
#include "dns/engine/pipeline.hpp"
#include "dns/engine/stats.hpp"
#include "dns/server/socket_set.hpp"
#include "dns/server/tcp_admission.hpp"
#include "dns/server/tcp_connections.hpp"
#include "dns/server/udp_loop.hpp"
#include "dns/server/view_publisher.hpp"

namespace lodestar::zones {
class View;
}

namespace lodestar::server {

class TapRecorder;

struct WorkerSettings {
  UdpSettings udp;
  TcpTimeouts tcp;
  dnstap::TapWriter* tap = nullptr;  // dnstap: each thread gets a ring of it (before it starts)
};

class Worker {
 public:
  /// Readers of the view each thread of a worker needs: one per UDP socket, one for TCP.
  static unsigned readersFor(const WorkerSockets& s) noexcept { return static_cast<unsigned>(s.udp.size()) + 1; }

  /// Takes ownership of `sockets`; `readers` holds readersFor(sockets) readers of `views`.
  /// `admission` (the TCP caps every worker shares) must outlive the worker.
  Worker(WorkerSockets sockets, ViewPublisher& views, std::vector<ViewPublisher::Reader*> readers,
         WorkerSettings settings, TcpAdmission& admission);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  /// Wakes every thread and joins them.
  void stop();
  /// Adds this worker's counters (each thread's own) to `total`; safe from any thread.
  void addStatsTo(engine::StatsTotals& total) const noexcept;

 private:
  void runTcp();

  WorkerSockets sockets_;
  ViewPublisher& views_;
  ViewPublisher::Reader& tcpReader_;
  WorkerSettings settings_;
  TcpAdmission& admission_;
  std::vector<std::unique_ptr<UdpLoop>> udp_;
  int epollFd_ = -1;
  int wakeFd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread tcpThread_;
  engine::QueryStats tcpStats_;
  engine::Pipeline tcpPipeline_{tcpStats_};
  dnssec::OnlineSigner tcpSigner_{tcpStats_};  // in tcpPipeline_
  std::unique_ptr<cookies::CookieStage> tcpCookies_;  // in tcpPipeline_, with cookies on
  engine::FastRandom random_;
  std::vector<std::unique_ptr<TapRecorder>> taps_;  // dnstap: one per thread
  TapRecorder* tcpTap_ = nullptr;
};

}  // namespace lodestar::server
