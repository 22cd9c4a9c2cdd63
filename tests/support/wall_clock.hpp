// The wall clock, which the daemon opens and closes maintenance windows by (not the steady
// clock the tests time waits with), and the UTC form lodestarctl's --at takes.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace lodestar::test {

/// Milliseconds since the Unix epoch.
inline int64_t wallMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// `unixSeconds` as 2027-01-15T08:00:00Z.
inline std::string utc(int64_t unixSeconds) {
  const time_t t = static_cast<time_t>(unixSeconds);
  tm parts{};
  gmtime_r(&t, &parts);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace lodestar::test
