// Runs probes of every kind on the control loop, all at once, none blocking another:
// tcp (non-blocking connect), http/https (libcurl multi), exec (child process), dns.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "health/state/check_spec.hpp"
#include "health/loop/event_loop.hpp"

namespace lodestar::health {

struct ProbeResult {
  bool success = false;
  std::string reason;  // "HTTP 200", "HTTP 503", "connect refused", "timeout after 500ms", ...
  std::chrono::microseconds latency{0};
  /// The probe failed on this machine (no descriptor, no memory, cannot start a child): it
  /// says nothing about the endpoint, whose state must not change.
  bool local = false;
};

/// True for the errors that are this machine's, not the endpoint's: out of descriptors,
/// memory or processes.
bool isLocalError(int err) noexcept;

class Prober {
 public:
  using Done = std::function<void(const ProbeResult&)>;

  explicit Prober(loop::EventLoop& loop);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  /// Starts one probe of `address` (IPv4 or IPv6 text) as `spec` says (copied: it need not
  /// outlive the call); `done` runs exactly once, on the loop, within the spec's timeout
  /// (plus scheduling slack).
  void start(const CheckSpec& spec, const std::string& address, Done done);

  /// The User-Agent of HTTP probes: WAFs block anonymous probes.
  static const char* userAgent() noexcept;

  /// Called by the test build of the daemon only (lodestar-test-daemon), before any probe:
  /// probes of these addresses go to a closed port instead, so one node of a cluster test
  /// "cannot reach" them while the others can.
  static void closeForTests(std::vector<std::string> addresses);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lodestar::health
