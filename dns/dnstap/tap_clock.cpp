// Which clock the workers read, and turning the counter's ticks into the time of day.
#include "dns/dnstap/tap_clock.hpp"

#include <cmath>
#include <fstream>
#include <string>
#include <thread>

namespace lodestar::dnstap {

TapClock TapClock::forThisMachine() {
#if defined(__x86_64__)
  // The kernel picks "tsc" only when the counter runs at one rate and in step on every CPU.
  std::ifstream in("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string source;
  return TapClock(static_cast<bool>(in >> source) && source == "tsc");
#else
  return TapClock(false);
#endif
}

TickConverter::Reading TickConverter::read() noexcept {
#if defined(__x86_64__)
  // The counter read on both sides of the clock: its midpoint is when the clock was read.
  const uint64_t before = __rdtsc();
  const uint64_t ns = TapClock::realtimeNs();
  const uint64_t after = __rdtsc();
  return {before + (after - before) / 2, ns};
#else
  return {0, TapClock::realtimeNs()};
#endif
}

TickConverter::TickConverter(TapClock clock) : clock_(clock) {
  if (!clock_.counter()) return;
  first_ = read();
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  update();
}

void TickConverter::update() noexcept {
  if (!clock_.counter()) return;
  last_ = read();
  const uint64_t ticks = last_.ticks - first_.ticks;
  if (ticks > 0 && last_.ns > first_.ns) nsPerTick_ = static_cast<double>(last_.ns - first_.ns) / static_cast<double>(ticks);
}

TapTime TickConverter::toTime(uint64_t ticks) const noexcept {
  uint64_t ns = ticks;
  if (clock_.counter()) {
    // Signed: a record made after the newest reading is newer than it.
    const double since = static_cast<double>(static_cast<int64_t>(ticks - last_.ticks)) * nsPerTick_;
    ns = static_cast<uint64_t>(static_cast<int64_t>(last_.ns) + std::llround(since));
  }
  return {ns / 1'000'000'000u, static_cast<uint32_t>(ns % 1'000'000'000u)};
}

}  // namespace lodestar::dnstap
