// Log lines to stderr (systemd captures them): one line per event. A line is handed to a
// writer thread through a bounded queue: a stalled stderr (a full pipe, a stuck journald)
// costs lines, counted and said later, never a blocked worker or control loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lodestar::server {

enum class LogLevel { Info, Warning, Error };
enum class LogFormat { Text, Json };

struct LogSettings {
  LogFormat format = LogFormat::Text;
  LogLevel level = LogLevel::Info;  // lines below it are not written
};

/// From the main config's `log:`; takes effect for the next line.
void configureLog(const LogSettings& settings);

/// Thread-safe, never waits for the descriptor. Not for the query path.
void logLine(LogLevel level, std::string_view message);

/// Lines dropped because the queue was full (stderr not keeping up), since start.
uint64_t logLinesDropped();

/// Waits up to `ms` for the queued lines to be written (at exit).
void flushLog(int ms = 2000);

/// One line as written: text "2026-12-03T10:00:00.000Z warning: MESSAGE" (under journald,
/// "<4>warning: MESSAGE": it keeps its own time and reads the priority), or one JSON object
/// {"time", "level", "message"}; ends with a newline.
std::string formatLogLine(LogFormat format, LogLevel level, std::string_view message, int64_t unixMillis,
                          bool journald);

/// "info", "warning", "error".
const char* logLevelName(LogLevel level) noexcept;

}  // namespace lodestar::server
