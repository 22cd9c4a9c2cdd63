// How often one thing (a record, a record's region) may be told in the log and the hooks: a
// burst, then one more per refill period. A flapping thing is told less, never more.
#pragma once

#include <algorithm>
#include <cstdint>

namespace lodestar::server {

class TellBudget {
 public:
  static constexpr double kBurst = 4;           // lines a quiet thing may say at once
  static constexpr double kRefillSeconds = 15;  // then one more per this many seconds

  /// Refills for the time since the last call; call it before asking.
  void refill(int64_t now) noexcept {
    left_ = std::min(kBurst, left_ + static_cast<double>(now - refilled_) / kRefillSeconds);
    refilled_ = now;
  }
  bool canTell() const noexcept { return left_ >= 1; }
  void spend() noexcept { left_ -= 1; }
  /// Nothing spent that a refill has not given back: the thing can be forgotten.
  bool full() const noexcept { return left_ >= kBurst; }

 private:
  double left_ = kBurst;
  int64_t refilled_ = 0;
};

}  // namespace lodestar::server
