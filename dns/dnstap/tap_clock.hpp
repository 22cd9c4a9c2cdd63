// When a query was answered, at the least cost to the thread that answered it: the CPU's
// time-stamp counter where the kernel itself keeps time by it (x86-64 with the clock source
// "tsc": one rate, in step on every CPU), else the real-time clock. A worker takes ticks;
// the writer thread turns them into the time of day (TickConverter).
#pragma once

#include <time.h>

#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace lodestar::dnstap {

/// A time of day, as dnstap writes it.
struct TapTime {
  uint64_t sec = 0;
  uint32_t nsec = 0;
};

class TapClock {
 public:
  /// Ticks of the time-stamp counter (true), or nanoseconds of CLOCK_REALTIME (false).
  explicit TapClock(bool counter) noexcept : counter_(counter) {}
  /// The counter where this machine's kernel keeps time by it (read once, at start).
  static TapClock forThisMachine();

  bool counter() const noexcept { return counter_; }
  /// Now, in this clock's ticks: one instruction with the counter.
  [[gnu::always_inline]] uint64_t now() const noexcept {
#if defined(__x86_64__)
    if (counter_) return __rdtsc();
#endif
    return realtimeNs();
  }
  static uint64_t realtimeNs() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
  }

 private:
  bool counter_;
};

/// The writer's side: ticks → time of day. The counter's rate is measured between a reading
/// of both clocks made at the start and the newest one (update(), once per writer pass); a
/// record is converted from the newest reading, so its error is its age (a pass: ~2 ms)
/// times the rate's relative error, far under a microsecond.
class TickConverter {
 public:
  /// With the counter, reads both clocks twice a millisecond apart: a first rate before
  /// any record is made.
  explicit TickConverter(TapClock clock);
  /// Reads both clocks again and refines the rate (the writer thread, once per pass).
  void update() noexcept;
  TapTime toTime(uint64_t ticks) const noexcept;

 private:
  struct Reading {
    uint64_t ticks = 0;
    uint64_t ns = 0;  // CLOCK_REALTIME
  };
  static Reading read() noexcept;

  TapClock clock_;
  Reading first_, last_;
  double nsPerTick_ = 1.0;
};

}  // namespace lodestar::dnstap
