// Re-signs due zones in place on a thread of its own, so that signing a large zone never
// delays a probe, a withdrawal or a command on the control loop. It reads no file: the zones
// it signs again, and all else the new view is made with, are taken from the served view when
// it starts (shared, never written), so the served view may be replaced and freed meanwhile.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "dns/dnssec/zone_signer.hpp"
#include "health/loop/event_loop.hpp"
#include "zones/view.hpp"
#include "zones/yaml/diagnostics.hpp"

namespace lodestar::server {

class BackgroundResign {
 public:
  struct Result {
    std::unique_ptr<zones::View> view;  // null: no zone was signed again
    std::vector<dnssec::Resigned> resigned;
    yaml::Diagnostics diags;            // the zones that could not be, and the keys' warnings
    uint64_t basedOn = 0;               // the generation of the view it was made from
  };
  /// Runs on the loop with a finished re-sign: publishes it when the view it was made from is
  /// still the one served.
  using Finish = std::function<void(Result& result)>;

  BackgroundResign(loop::EventLoop& loop, Finish finish);
  ~BackgroundResign();
  BackgroundResign(const BackgroundResign&) = delete;
  BackgroundResign& operator=(const BackgroundResign&) = delete;

  /// Starts signing again the zones of `view` (the served one, of publisher generation
  /// `generation`) due at `now`. Called on the loop, when none is running.
  void start(const zones::View& view, uint64_t generation, uint32_t now);
  bool running() const noexcept { return thread_.joinable(); }

 private:
  void onDone();

  loop::EventLoop& loop_;
  Finish finish_;
  int doneFd_ = -1;  // an eventfd the thread writes when it is finished
  std::thread thread_;
  std::mutex lock_;
  std::unique_ptr<Result> result_;  // guarded by lock_: handed from the thread to the loop
};

}  // namespace lodestar::server
