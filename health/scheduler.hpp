// Schedules every probe on the control loop: the first at once, then every interval (with
// jitter so probes do not march in step), and a rapid recheck when a result disagrees with
// the current state. Results go through the rise/fall machine into the endpoint's cell.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "health/state/check_spec.hpp"
#include "health/state/health_cell.hpp"
#include "health/loop/event_loop.hpp"
#include "health/prober.hpp"
#include "health/state/state_machine.hpp"

namespace lodestar::health {

/// One endpoint to probe, as the view describes it.
struct ProbeTarget {
  std::shared_ptr<const CheckSpec> check;
  std::string address;
  std::shared_ptr<HealthCell> cell;
  std::string where;  // "region eu-west, pool web" for log lines (every pool naming it)
  /// The cell is written by the cluster's consensus (consensus: quorum), not by these probes:
  /// they only report what this node sees.
  bool shared = false;
};

/// A state change, for the log line, counters and hooks.
struct StateChange {
  std::string address;
  std::string where;
  std::string check;
  Observed from, to;
  ProbeResult result;
  std::shared_ptr<const CheckSpec> spec;  // the check itself (its identity keys the endpoint)
};

const char* observedName(Observed o) noexcept;
/// The inverse of observedName(): nullopt for any other text.
std::optional<Observed> parseObserved(std::string_view name) noexcept;

class Scheduler {
 public:
  using OnChange = std::function<void(const StateChange&)>;
  /// A probe failed for a reason of this machine's (address, check, reason).
  using OnLocalFailure = std::function<void(const std::string& address, const std::string& check, const std::string& reason)>;

  Scheduler(loop::EventLoop& loop, Prober& prober, OnChange onChange);
  ~Scheduler();

  /// Replaces the probe set. Targets that stay (same health cell) keep their state machine
  /// and schedule; new ones are probed at once; removed ones stop.
  void setTargets(std::vector<ProbeTarget> targets);
  /// A cell's log lines name at most this many of the (region, pool) pairs using it.
  static constexpr size_t kUsesShown = 3;

  struct Status {
    std::string address, where, check;
    Observed observed;
    std::string lastReason;
    std::chrono::system_clock::time_point since;
    uint64_t probes = 0, failures = 0, changes = 0, localFailures = 0;
    std::optional<std::chrono::system_clock::time_point> heldUntil;  // flap damping holds it down
    std::chrono::microseconds latency{0};  // the last probe's, when it reached the endpoint
  };
  std::vector<Status> status() const;
  uint64_t changes() const noexcept { return changes_; }
  uint64_t probesStarted() const noexcept { return started_; }
  /// Probes that failed on this machine (no descriptor, no memory): not held against the endpoint.
  uint64_t localFailures() const noexcept { return localFailures_; }
  void setOnLocalFailure(OnLocalFailure f) { onLocalFailure_ = std::move(f); }

  /// At most this many probes in flight; the rest wait their turn (a burst of thousands of
  /// simultaneous connections would only time out and be retried).
  void setMaxInFlight(size_t n) { maxInFlight_ = n; }

  /// Keeps how late each probe started against its plan (for benchmarks), in microseconds.
  void recordLateness(bool on) { recordLateness_ = on; }
  std::vector<uint32_t> takeLateness() { return std::exchange(lateness_, {}); }

 private:
  struct Entry;
  void schedule(Entry& e, std::chrono::milliseconds delay);
  void probe(Entry& e);
  void onResult(Entry& e, const ProbeResult& r);

  loop::EventLoop& loop_;
  Prober& prober_;
  OnChange onChange_;
  std::map<HealthCell*, std::shared_ptr<Entry>> entries_;
  std::mt19937 jitter_{std::random_device{}()};
  uint64_t changes_ = 0;
  uint64_t started_ = 0;
  uint64_t localFailures_ = 0;
  OnLocalFailure onLocalFailure_;
  bool recordLateness_ = false;
  size_t inFlight_ = 0;
  size_t maxInFlight_ = 512;
  std::deque<std::weak_ptr<Entry>> waiting_;
  std::vector<uint32_t> lateness_;
};

}  // namespace lodestar::health
