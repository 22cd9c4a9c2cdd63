// Rate limiting's clock: milliseconds (wrapping at 2^32), read on every limited answer, so at
// the least cost: the CPU's time-stamp counter times a factor found once per process, where
// the kernel keeps time by that counter ("tsc": one rate, in step on every CPU), else the
// coarse monotonic clock. Buckets need only a tick's accuracy.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace lodestar::rrl {

class RateClock {
 public:
  /// This machine's: measured the first time (a few ms), then shared.
  static const RateClock& forThisMachine();
  /// A clock that reads `ms` (tests turn it by hand).
  explicit RateClock(uint32_t (*ms)() noexcept) noexcept : fallback_(ms) {}

  [[gnu::always_inline]] uint32_t nowMs() const noexcept {
#if defined(__x86_64__)
    if (perTick_) [[likely]]
      return static_cast<uint32_t>((static_cast<unsigned __int128>(__rdtsc()) * perTick_) >> 64);
#endif
    return fallback_();
  }
  static uint32_t coarseMs() noexcept;
  /// Whether counterMs() may be called: the time-stamp counter keeps this clock.
  bool counts() const noexcept { return perTick_ != 0; }
  /// nowMs() when counts(): no test, no call.
  [[gnu::always_inline]] uint32_t counterMs() const noexcept {
#if defined(__x86_64__)
    return static_cast<uint32_t>((static_cast<unsigned __int128>(__rdtsc()) * perTick_) >> 64);
#else
    return 0;  // counts() is false: never called
#endif
  }

 private:
  uint64_t perTick_ = 0;  // 2^64 / counter ticks per ms; 0: the counter is not used
  uint32_t (*fallback_)() noexcept = &coarseMs;
};

}  // namespace lodestar::rrl
