// One write(2) per line so concurrent lines never interleave.
#include "dns/server/log.hpp"

#include <unistd.h>

#include <ctime>
#include <string>

#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

void logLine(LogLevel level, std::string_view message) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  std::string line = wire::formatUtcMillis(static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000);
  line += ' ';
  line += level == LogLevel::Info ? "info: " : level == LogLevel::Warning ? "warning: " : "error: ";
  line += message;
  line += '\n';
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace lodestar::server
