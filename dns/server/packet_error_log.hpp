// Per-packet errors, told in the log without a line per packet: the control loop looks at the
// workers' counters once a second and writes one line for what went wrong since its last line,
// at most one line per interval. A flood of garbage costs the log one line, and no worker
// ever writes a log line (they only count).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "dns/engine/stats.hpp"

namespace lodestar::server {

class PacketErrorLog {
 public:
  using Clock = std::chrono::steady_clock;
  explicit PacketErrorLog(std::chrono::seconds every = std::chrono::seconds(10)) noexcept : every_(every) {}

  /// The totals now (every tick). Returns the line to log, or "" when nothing went wrong since
  /// the last line or the last line is younger than the interval (then it waits and sums).
  /// `warning` says whether the line tells of this server's fault (answers the socket did not
  /// take) rather than only of clients' malformed packets.
  std::string observe(const engine::StatsTotals& totals, Clock::time_point now, bool& warning);

 private:
  struct Errors {
    uint64_t dropped = 0, formErr = 0, notImp = 0, badVers = 0, unsent = 0;
    static Errors of(const engine::StatsTotals& t) noexcept;
  };
  std::chrono::seconds every_;
  bool started_ = false;
  Errors since_;                 // the counts at the last line (or at start)
  Clock::time_point sinceTime_;  // when those were taken
  Clock::time_point nextLine_;   // no line before this
};

}  // namespace lodestar::server
