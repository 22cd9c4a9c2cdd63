// One query worker: a thread with its own sockets and epoll loop; no state shared with
// other workers except the published view pointer.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "dns/engine/stats.hpp"
#include "dns/server/fast_random.hpp"
#include "dns/server/socket_set.hpp"
#include "dns/server/view_publisher.hpp"

namespace lodestar::zones {
class View;
}

namespace lodestar::dns {

struct WorkerSettings {
  uint16_t udpMaxPayload = 1232;
  unsigned tcpMaxConnections = 1024;
  std::chrono::milliseconds tcpIdleTimeout{10'000};
};

class Worker {
 public:
  /// Takes ownership of `sockets`. The view is read from `views` once per wake-up.
  Worker(WorkerSockets sockets, ViewPublisher& views, ViewPublisher::Reader& reader, WorkerSettings settings);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  /// Wakes the loop and joins the thread.
  void stop();
  /// Safe to read from any thread at any time (see Counter).
  const QueryStats& stats() const noexcept { return stats_; }

 private:
  struct UdpBatch;
  void run();
  void drainUdp(int fd, bool wildcard, const zones::View& view);

  WorkerSockets sockets_;
  ViewPublisher& views_;
  ViewPublisher::Reader& reader_;
  WorkerSettings settings_;
  int epollFd_ = -1;
  int wakeFd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::unique_ptr<UdpBatch> batch_;
  QueryStats stats_;
  FastRandom random_;
};

}  // namespace lodestar::dns
