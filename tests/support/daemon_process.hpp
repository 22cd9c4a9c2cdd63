// Starts the real lodestar binary on loopback ports it picks itself (port 0), waits for
// its "ready" line, and talks to it over UDP and TCP. Stops it by PID.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/dns_message.hpp"
#include "tests/support/temp_dir.hpp"

namespace lodestar::test {

class DaemonProcess {
 public:
  /// Runs `lodestar -c configPath`. The config should listen on 127.0.0.1:0 (and may on
  /// [::1]:0). Throws when the daemon does not report ready within a few seconds.
  /// `prefix`: a command the daemon runs under, e.g. nsenter into a test's network namespace.
  /// `binary`: another build of the daemon ("" the shipped lodestar), e.g. lodestar-test-daemon.
  explicit DaemonProcess(const std::string& configPath, const std::vector<std::string>& prefix = {},
                         const std::string& binary = "");
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  uint16_t port() const { return port4_; }
  uint16_t port6() const { return port6_; }
  pid_t pid() const { return pid_; }
  bool alive();
  /// Sends SIGTERM and waits; returns the exit status.
  int stop();
  /// Everything the daemon wrote to stderr so far.
  std::string log();

  /// One UDP exchange over IPv4 (or IPv6); nullopt on timeout.
  std::optional<Bytes> udp(const Bytes& query, bool ipv6 = false,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  /// Sends every query on one TCP connection at once (pipelined) and reads that many answers.
  std::vector<Bytes> tcp(const std::vector<Bytes>& queries,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  /// Convenience: udp() then parseAnswer(); fails the test when either step fails.
  Answer ask(const QueryBuilder& q);
  Answer askTcp(const QueryBuilder& q);

 private:
  void closeLog();
  pid_t pid_ = -1;
  int stderrFd_ = -1;
  std::thread logReader_;
  std::atomic<bool> logEnded_{false};
  std::mutex logLock_;
  std::string log_;
  uint16_t port4_ = 0, port6_ = 0;
};

/// How many descriptors process `pid` holds open (its /proc/PID/fd entries).
unsigned descriptorsOf(pid_t pid);

}  // namespace lodestar::test
