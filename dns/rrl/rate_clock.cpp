#include "dns/rrl/rate_clock.hpp"

#include <time.h>

#include <fstream>
#include <string>

namespace lodestar::rrl {

uint32_t RateClock::coarseMs() noexcept {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
  return static_cast<uint32_t>(uint64_t(t.tv_sec) * 1000u + uint64_t(t.tv_nsec) / 1'000'000u);
}

const RateClock& RateClock::forThisMachine() {
  static const RateClock clock = [] {
    RateClock c(&RateClock::coarseMs);
#if defined(__x86_64__)
    std::ifstream in("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string source;
    if (!(in >> source) || source != "tsc") return c;
    // The counter's rate against the monotonic clock over ~5 ms.
    auto ns = [] {
      timespec t;
      clock_gettime(CLOCK_MONOTONIC, &t);
      return uint64_t(t.tv_sec) * 1'000'000'000u + uint64_t(t.tv_nsec);
    };
    const uint64_t t0 = ns(), c0 = __rdtsc();
    timespec pause{0, 5'000'000};
    nanosleep(&pause, nullptr);
    const uint64_t t1 = ns(), c1 = __rdtsc();
    if (t1 <= t0 || c1 <= c0) return c;
    const double ticksPerMs = double(c1 - c0) / (double(t1 - t0) / 1e6);
    if (ticksPerMs < 1000) return c;  // below 1 MHz: not a counter to trust
    c.perTick_ = static_cast<uint64_t>(18446744073709551616.0 / ticksPerMs);
#endif
    return c;
  }();
  return clock;
}

}  // namespace lodestar::rrl
