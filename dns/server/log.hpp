// Log lines to stderr (systemd captures them): one line per event, with a UTC timestamp.
#pragma once

#include <string_view>

namespace lodestar::server {

enum class LogLevel { Info, Warning, Error };

/// Thread-safe (one write() per line). Not for the query path.
void logLine(LogLevel level, std::string_view message);

}  // namespace lodestar::server
