// DNS over TCP for one worker (RFC 7766): length-prefixed messages, pipelining, idle
// timeout and a cap on connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <vector>

#include "dns/engine/fast_random.hpp"
#include "dns/engine/pipeline.hpp"
#include "dns/server/epoll_tag.hpp"

namespace lodestar::zones {
class View;
}

namespace lodestar::server {

class TcpConnections {
 public:
  using Clock = std::chrono::steady_clock;

  TcpConnections(int epollFd, unsigned maxConnections, std::chrono::milliseconds idleTimeout);
  ~TcpConnections();
  TcpConnections(const TcpConnections&) = delete;
  TcpConnections& operator=(const TcpConnections&) = delete;

  /// Accepts every pending connection on `listenFd`; over the cap, new ones are closed.
  void acceptAll(int listenFd, Clock::time_point now);
  /// Reads, answers and writes for the connection behind `tag`.
  void onEvent(EpollTag* tag, uint32_t events, const zones::View& view, const engine::Pipeline& pipeline, engine::FastRandom& random,
               Clock::time_point now);
  /// Frees closed connections and, a few times a second, closes idle ones. Call between
  /// epoll batches only: events of a batch may still point at a closed connection.
  void sweep(Clock::time_point now);
  size_t open() const noexcept { return connections_.size(); }
  uint64_t refused() const noexcept { return refused_; }

 private:
  struct Connection;
  void close(Connection& c);
  bool flush(Connection& c);
  void answerBuffered(Connection& c, const zones::View& view, const engine::Pipeline& pipeline, engine::FastRandom& random);

  int epollFd_;
  unsigned max_;
  std::chrono::milliseconds idle_;
  std::list<Connection> connections_;
  std::vector<uint8_t> scratch_;  // one answer, reused
  uint64_t refused_ = 0;
  unsigned closedPending_ = 0;
  Clock::time_point lastIdleCheck_{};
};

}  // namespace lodestar::server
