// DNS over TCP for one worker (RFC 7766): length-prefixed messages, pipelining, deadlines
// (a whole message within message_timeout of its first byte, the first one within
// message_timeout of the connect, idle_timeout between messages) and the shared caps, where
// a new connection makes room by closing the connection that made no progress the longest.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <vector>

#include "dns/engine/fast_random.hpp"
#include "dns/engine/pipeline.hpp"
#include "dns/server/epoll_tag.hpp"
#include "dns/server/tcp_admission.hpp"

namespace lodestar::zones {
class View;
}

namespace lodestar::server {

class TapRecorder;

struct TcpTimeouts {
  std::chrono::milliseconds idle{10'000};    ///< no message under way, nothing to write
  std::chrono::milliseconds message{2'000};  ///< from a message's first byte (or the connect) to its last
};

class TcpConnections {
 public:
  using Clock = std::chrono::steady_clock;

  /// `tap`: dnstap's recorder of this thread (null: no dnstap).
  TcpConnections(int epollFd, TcpAdmission& admission, TcpTimeouts timeouts, TapRecorder* tap = nullptr);
  ~TcpConnections();
  TcpConnections(const TcpConnections&) = delete;
  TcpConnections& operator=(const TcpConnections&) = delete;

  /// Accepts every pending connection on the listener behind `listener`. Out of descriptors
  /// (EMFILE, ENFILE, ENOBUFS, ENOMEM) it closes its slowest connection and stops watching
  /// the listeners for a growing pause instead of spinning.
  void acceptAll(EpollTag* listener, Clock::time_point now);
  /// Reads, answers and writes for the connection behind `tag`.
  void onEvent(EpollTag* tag, uint32_t events, const zones::View& view, const engine::Pipeline& pipeline, engine::FastRandom& random,
               Clock::time_point now);
  /// Frees closed connections, a few times a second closes those past a deadline, and
  /// watches the listeners again when an accept pause is over. Call between epoll batches
  /// only: events of a batch may still point at a closed connection.
  void sweep(Clock::time_point now);
  size_t open() const noexcept { return connections_.size() - closedPending_; }
  uint64_t refused() const noexcept { return refused_; }
  uint64_t evicted() const noexcept { return evicted_; }
  bool acceptPaused() const noexcept { return !paused_.empty(); }

 private:
  struct Connection;
  void close(Connection& c);
  bool flush(Connection& c, Clock::time_point now);
  bool answerBuffered(Connection& c, const zones::View& view, const engine::Pipeline& pipeline, engine::FastRandom& random);
  /// The connection to close for a new one (of `prefix` when given): one that never sent a
  /// whole message before one that did, then the one without progress the longest.
  Connection* slowest(const ClientPrefix* prefix);
  bool makeRoom(const ClientPrefix& prefix);
  void pauseAccepting(EpollTag* listener, Clock::time_point now);

  int epollFd_;
  TcpAdmission& admission_;
  TcpTimeouts timeouts_;
  TapRecorder* tap_;
  std::list<Connection> connections_;
  std::vector<uint8_t> scratch_;  // one answer, reused
  uint64_t refused_ = 0;
  uint64_t evicted_ = 0;
  unsigned closedPending_ = 0;
  Clock::time_point lastDeadlineCheck_{};
  std::vector<EpollTag*> paused_;  // listeners not watched until resumeAt_
  Clock::time_point resumeAt_{};
  std::chrono::milliseconds backoff_{0};
};

}  // namespace lodestar::server
