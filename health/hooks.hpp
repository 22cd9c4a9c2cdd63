// What runs on every health state change besides the log line: operators' exec hooks
// (self-healing, paging) and webhooks (an HTTP POST of the event as JSON). Asynchronous on
// the control loop: a hook that hangs or fails is logged and never stalls probing.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "health/curl_driver.hpp"
#include "health/loop/event_loop.hpp"
#include "health/state/hook_spec.hpp"

namespace lodestar::health {

struct HookEvent {
  std::string json;      // the whole event, for webhooks' bodies and LODESTAR_EVENT
  std::string endpoint;  // appended to exec argv with `from` and `to`
  std::string from, to;
};

class HookRunner {
 public:
  using Log = std::function<void(bool failed, const std::string& message)>;

  HookRunner(loop::EventLoop& loop, std::vector<HookSpec> hooks, Log log);
  void fire(const HookEvent& event);
  uint64_t failures() const noexcept { return failures_; }

 private:
  loop::EventLoop& loop_;
  CurlDriver curl_;
  std::vector<HookSpec> hooks_;
  Log log_;
  uint64_t failures_ = 0;
};

}  // namespace lodestar::health
