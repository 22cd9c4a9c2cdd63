// Rise/fall hysteresis for one endpoint, as a pure value: results in, state out. Time is
// given, never read, so tests drive it without sleeping.
#pragma once

#include <chrono>
#include <cstdint>

#include "health/endpoint_state.hpp"

namespace lodestar::health {

class StateMachine {
 public:
  StateMachine(unsigned rise, unsigned fall) noexcept : rise_(rise), fall_(fall) {}

  /// Feeds one probe result; returns true when the published state changed.
  /// Up → InDoubt on the first failure, → Down after `fall` consecutive failures.
  /// Down → Up after `rise` consecutive successes. InDoubt → Up on one success.
  bool record(bool success) noexcept {
    Observed before = state_;
    if (success) {
      failures_ = 0;
      ++successes_;
      if (state_ == Observed::InDoubt || (state_ == Observed::Down && successes_ >= rise_)) state_ = Observed::Up;
    } else {
      successes_ = 0;
      ++failures_;
      if (state_ != Observed::Down) state_ = failures_ >= fall_ ? Observed::Down : Observed::InDoubt;
    }
    return state_ != before;
  }

  Observed state() const noexcept { return state_; }
  /// Does a result disagree with the state, so it should be confirmed by a rapid recheck?
  bool wantsRecheck() const noexcept {
    return (state_ == Observed::InDoubt) || (state_ == Observed::Down && successes_ > 0);
  }
  unsigned consecutiveFailures() const noexcept { return failures_; }
  unsigned consecutiveSuccesses() const noexcept { return successes_; }

 private:
  unsigned rise_, fall_;
  unsigned successes_ = 0, failures_ = 0;
  Observed state_ = Observed::Up;  // a restart never empties answers
};

}  // namespace lodestar::health
