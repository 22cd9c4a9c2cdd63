// One write(2) per line so concurrent lines never interleave.
#include "dns/server/log.hpp"

#include <unistd.h>

#include <ctime>
#include <string>

namespace lodestar::server {

void logLine(LogLevel level, std::string_view message) {
  char stamp[32];
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t;
  gmtime_r(&ts.tv_sec, &t);
  size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &t);
  std::string line(stamp, n);
  char ms[24];
  snprintf(ms, sizeof ms, ".%03ldZ ", ts.tv_nsec / 1'000'000);
  line += ms;
  line += level == LogLevel::Info ? "info: " : level == LogLevel::Warning ? "warning: " : "error: ";
  line += message;
  line += '\n';
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace lodestar::server
