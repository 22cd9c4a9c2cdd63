// One UDP socket's thread: blocks in recvmmsg, answers the batch, sends it with one
// sendmmsg. Optionally (udp.coalesce_max_us), under steady load it waits a few
// microseconds between batches so that each wake-up carries several queries: wake-ups,
// not queries, are most of the CPU per query at moderate rates. It never waits at low
// rates.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "dns/cookies/cookie_stage.hpp"
#include "dns/dnssec/online_signer.hpp"
#include "dns/engine/fast_random.hpp"
#include "dns/engine/pipeline.hpp"
#include "dns/engine/stats.hpp"
#include "dns/rrl/rate_limiter.hpp"
#include "dns/server/view_publisher.hpp"

namespace lodestar::server {

class TapRecorder;

struct UdpSettings {
  uint16_t maxPayload = 1232;
  /// The longest wait for more queries before a batch; 0 (the default) never waits.
  std::chrono::microseconds coalesceMax{0};
  bool detailedStats = true;  // engine::Pipeline::setDetailed: off when no metrics are served
  /// Response rate limiting, each thread's share (server::rateSettingsFor); null: off.
  /// Each loop makes its own limiter (and table) from it.
  std::shared_ptr<const rrl::RateSettings> rateLimit = nullptr;
  /// DNS cookies (null: off): the secrets every answering thread reads (the worker's TCP
  /// thread too), and whether UDP queries must bring a valid server cookie.
  const cookies::CookieSecrets* cookies = nullptr;
  bool requireCookies = false;
};

/// How long to wait before the next batch, from the arrival rate: long enough for a few
/// queries, never longer than `max`, and no wait at all when even `max` would not gather
/// two. Pure, for tests.
std::chrono::microseconds coalesceDelay(double queriesPerSecond, std::chrono::microseconds max) noexcept;

class UdpLoop {
 public:
  /// Does not own `fd`. `wildcard`: bound to 0.0.0.0 / ::, so replies need the query's address.
  UdpLoop(int fd, bool wildcard, ViewPublisher& views, ViewPublisher::Reader& reader, UdpSettings settings);
  ~UdpLoop();
  UdpLoop(const UdpLoop&) = delete;
  UdpLoop& operator=(const UdpLoop&) = delete;

  void start();
  /// Wakes the blocked receive (shutting the socket's read side) and joins the thread.
  void stop();
  const engine::QueryStats& stats() const noexcept { return stats_; }
  /// A stage for this thread's answer path (it must outlive the loop); before start() only.
  void addStage(engine::Stage& stage) noexcept { pipeline_.add(stage); }
  /// dnstap: this thread's recorder (it must outlive the loop); before start() only.
  void logTo(TapRecorder& tap) noexcept { tap_ = &tap; }

 private:
  struct Batch;
  void run();
  // The loop, with the metrics' detail (engine::answerQueryAs) and dnstap chosen once for
  // the thread: without them the answer path does not even test for them.
  template <bool Detailed, bool Tapped>
  void runAs();
  /// Receives and answers at most a few batches; returns how many queries came in.
  template <bool Detailed, bool Tapped>
  unsigned receiveBatches(int flags);

  int fd_;
  bool wildcard_;
  ViewPublisher& views_;
  ViewPublisher::Reader& reader_;
  UdpSettings settings_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::unique_ptr<Batch> batch_;
  engine::QueryStats stats_;
  engine::Pipeline pipeline_{stats_, settings_.maxPayload};
  dnssec::OnlineSigner signer_{stats_};  // in the pipeline: signs what signed zones answer online
  std::unique_ptr<rrl::RateLimiter> limiter_;  // in the pipeline, with rate_limit:
  std::unique_ptr<cookies::CookieStage> cookieStage_;  // in the pipeline, with cookies on
  engine::FastRandom random_;
  TapRecorder* tap_ = nullptr;
  // The longest answer this loop sends (engine::answerQuery's UDP limit): the room an answer
  // needs in dnstap's slot.
  size_t answerRoom_ = 0;
};

}  // namespace lodestar::server
