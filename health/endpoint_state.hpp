// One endpoint's health as the answer path reads it: the observed state (from probes) and
// the operator's override beside it, each one atomic byte. Written by the control thread
// only; read by workers with relaxed loads, per query, without locks.
#pragma once

#include <atomic>
#include <cstdint>

namespace lodestar::health {

/// What the probes saw. InDoubt: failing, not yet down (fall not reached).
enum class Observed : uint8_t { Up = 0, InDoubt = 1, Down = 2 };
/// The operator's override; Auto follows the probes.
enum class Forced : uint8_t { Auto = 0, Up = 1, Down = 2 };

/// Both answers of one look at an endpoint (each atomic read once).
struct Health {
  bool up;
  bool degraded;
};

struct EndpointState {
  std::atomic<Observed> observed{Observed::Up};  // until the first probe answers, up
  std::atomic<Forced> forced{Forced::Auto};

  /// Serve this endpoint?
  bool up() const noexcept { return read().up; }
  /// Not fully healthy: down, forced down, or in doubt (answers then carry ttl_degraded).
  bool degraded() const noexcept { return read().degraded; }
  /// up() and degraded() from one read of each byte: a decision that needs both sees one state.
  Health read() const noexcept {
    Forced f = forced.load(std::memory_order_relaxed);
    if (f != Forced::Auto) return combine(f, Observed::Up);
    return combine(f, observed.load(std::memory_order_relaxed));
  }
  /// The one rule: a forced state wins, else the probes'.
  static Health combine(Forced f, Observed o) noexcept {
    if (f != Forced::Auto) return {f == Forced::Up, f == Forced::Down};
    return {o != Observed::Down, o != Observed::Up};
  }
};

}  // namespace lodestar::health
