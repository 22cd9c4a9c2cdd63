// Rise/fall hysteresis for one endpoint, as a pure value: results in, state out. Time is
// given, never read, so tests drive it without sleeping.
#pragma once

#include <chrono>
#include <cstdint>

#include "health/state/health_cell.hpp"

namespace lodestar::health {

/// An endpoint that falls `falls` times within `window` stays down for `hold` after that
/// fall, whatever its probes say, so a flapping backend stops moving traffic back and forth.
/// `falls` 0: off.
struct FlapDamping {
  unsigned falls = 0;
  std::chrono::milliseconds window{0};
  std::chrono::milliseconds hold{0};
};

class StateMachine {
 public:
  using Clock = std::chrono::steady_clock;

  StateMachine(unsigned rise, unsigned fall, FlapDamping damping = {}) noexcept
      : rise_(rise), fall_(fall), damping_(damping) {}

  /// Feeds one probe result; returns true when the published state changed.
  /// Up → InDoubt on the first failure, → Down after `fall` consecutive failures.
  /// Down → Up after `rise` consecutive successes (and not while held). InDoubt → Up on one success.
  bool record(bool success, Clock::time_point now = {}) noexcept {
    Observed before = state_;
    justHeld_ = false;
    if (success) {
      failures_ = 0;
      ++successes_;
      const bool held = state_ == Observed::Down && now < heldUntil_;
      if (state_ == Observed::InDoubt || (state_ == Observed::Down && successes_ >= rise_ && !held)) state_ = Observed::Up;
    } else {
      successes_ = 0;
      ++failures_;
      if (state_ != Observed::Down) state_ = failures_ >= fall_ ? Observed::Down : Observed::InDoubt;
      if (state_ == Observed::Down && before != Observed::Down) noteFall(now);
    }
    return state_ != before;
  }

  /// Held down by flap damping until then (a time in the past when not held).
  Clock::time_point heldUntil() const noexcept { return heldUntil_; }
  /// The last record() started a hold (for the log line of that fall).
  bool justHeld() const noexcept { return justHeld_; }

  Observed state() const noexcept { return state_; }
  /// Does a result disagree with the state, so it should be confirmed by a rapid recheck?
  bool wantsRecheck() const noexcept {
    return (state_ == Observed::InDoubt) || (state_ == Observed::Down && successes_ > 0);
  }
  unsigned consecutiveFailures() const noexcept { return failures_; }
  unsigned consecutiveSuccesses() const noexcept { return successes_; }

 private:
  void noteFall(Clock::time_point now) noexcept {
    if (damping_.falls == 0) return;
    falls_[next_++ % kKept] = now;
    const unsigned n = damping_.falls < kKept ? damping_.falls : kKept;
    if (next_ < n) return;
    // The n-th latest fall, within the window: hold from now.
    if (now - falls_[(next_ - n) % kKept] <= damping_.window) {
      heldUntil_ = now + damping_.hold;
      justHeld_ = true;
    }
  }

  static constexpr unsigned kKept = 16;  // falls remembered; damping counts at most this many
  unsigned rise_, fall_;
  FlapDamping damping_;
  unsigned successes_ = 0, failures_ = 0;
  Observed state_ = Observed::Up;  // a restart never empties answers
  Clock::time_point falls_[kKept] = {};
  unsigned next_ = 0;
  Clock::time_point heldUntil_{};
  bool justHeld_ = false;
};

}  // namespace lodestar::health
