// systemd's notification protocol (sd_notify(3)), spoken without libsystemd: one datagram per
// state to the socket systemd names in NOTIFY_SOCKET. With no NOTIFY_SOCKET (not started by
// systemd as Type=notify) every call does nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace lodestar::server {

class SystemdNotify {
 public:
  /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID, then takes them out of the
  /// environment: probes and hooks this daemon runs must not speak for it.
  static SystemdNotify fromEnvironment();
  SystemdNotify() = default;
  SystemdNotify(SystemdNotify&& other) noexcept;
  SystemdNotify& operator=(SystemdNotify&& other) noexcept;
  ~SystemdNotify();

  bool enabled() const noexcept { return fd_ >= 0; }
  /// "READY=1\nSTATUS=...": newline-separated assignments. Never blocks; false when not sent.
  bool send(std::string_view state) const noexcept;
  /// "RELOADING=1" with the MONOTONIC_USEC systemd 253 and later want beside it.
  bool reloading() const noexcept;
  /// The watchdog's interval (WatchdogSec=), 0 when there is none for this process: ping at
  /// half of it.
  std::chrono::microseconds watchdog() const noexcept { return watchdog_; }

 private:
  int fd_ = -1;
  std::string address_;  // sockaddr_un's path; a leading '\0' for an abstract socket
  std::chrono::microseconds watchdog_{0};
};

}  // namespace lodestar::server
