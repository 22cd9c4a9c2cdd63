// dnstap's clock: a worker's ticks, turned into the time of day by the writer, say when they
// were taken, with the counter and with the real-time clock alike.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <thread>

#include "dns/dnstap/tap_clock.hpp"

using lodestar::dnstap::TapClock;
using lodestar::dnstap::TapTime;
using lodestar::dnstap::TickConverter;

namespace {
int64_t nsOf(TapTime t) { return static_cast<int64_t>(t.sec) * 1'000'000'000 + t.nsec; }
}  // namespace

TEST_CASE("dnstap clock: ticks older and newer than the writer's last reading give their time of day", "[dnstap]") {
  // The counter where this machine allows it, and the real-time clock in any case.
  const bool counter = GENERATE(false, TapClock::forThisMachine().counter());
  const TapClock clock(counter);
  TickConverter convert(clock);
  const uint64_t older = clock.now();
  const int64_t olderNs = static_cast<int64_t>(TapClock::realtimeNs());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  convert.update();  // a pass of the writer after the record: `older` is 20 ms before it
  const uint64_t newer = clock.now();  // and one made after the pass
  const int64_t newerNs = static_cast<int64_t>(TapClock::realtimeNs());
  INFO("counter: " << counter);
  CHECK(std::abs(nsOf(convert.toTime(older)) - olderNs) < 200'000);  // within 0.2 ms
  CHECK(std::abs(nsOf(convert.toTime(newer)) - newerNs) < 200'000);
  CHECK(nsOf(convert.toTime(newer)) - nsOf(convert.toTime(older)) >= 19'000'000);
  const TapTime t = convert.toTime(newer);
  CHECK(t.nsec < 1'000'000'000u);
}
