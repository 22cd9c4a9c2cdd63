// Health as the answer path reads it: what the probes observed, in a health cell shared by
// every endpoint that lists the same address with the same check, and the operator's
// override, held per endpoint. Each is one atomic byte, written by the control thread only
// and read by workers with relaxed loads, per query, without locks.
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

/// The probes' view of one (check, address): one cell wherever that pair is listed.
struct HealthCell {
  std::atomic<Observed> observed{Observed::Up};  // until the first probe answers, up
};

/// The operator's override of one endpoint (an address of one pool in one region). Not in the
/// shared cell: forcing "eu-west/web" down must not move the same address in pool api.
struct EndpointForce {
  std::atomic<Forced> forced{Forced::Auto};
  EndpointForce() = default;
  EndpointForce(const EndpointForce& o) noexcept : forced(o.forced.load(std::memory_order_relaxed)) {}
  EndpointForce& operator=(const EndpointForce& o) noexcept {
    forced.store(o.forced.load(std::memory_order_relaxed), std::memory_order_relaxed);
    return *this;
  }
};

/// The override of an endpoint no admin table holds (built by hand): always Auto.
inline const EndpointForce kNotForced{};

/// The one rule: a forced state wins, else the probes'.
inline Health combine(Forced f, Observed o) noexcept {
  if (f != Forced::Auto) return {f == Forced::Up, f == Forced::Down};
  return {o != Observed::Down, o != Observed::Up};
}

/// An endpoint's up and degraded from one read of each byte (the cell's only when not
/// forced): a decision that needs both sees one state.
inline Health read(const EndpointForce& force, const HealthCell& cell) noexcept {
  const Forced f = force.forced.load(std::memory_order_relaxed);
  if (f != Forced::Auto) return combine(f, Observed::Up);
  return combine(f, cell.observed.load(std::memory_order_relaxed));
}

}  // namespace lodestar::health
