// The datagrams: AF_UNIX, SOCK_DGRAM, non-blocking, to the path (or the abstract name after
// '@') in NOTIFY_SOCKET.
#include "dns/server/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace lodestar::server {

SystemdNotify SystemdNotify::fromEnvironment() {
  SystemdNotify n;
  const char* socketName = std::getenv("NOTIFY_SOCKET");
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  std::string name = socketName ? socketName : "";
  // The watchdog is this process's when WATCHDOG_PID is absent or names it.
  if (usec && (!pid || std::strtoll(pid, nullptr, 10) == getpid())) {
    char* end = nullptr;
    const long long v = std::strtoll(usec, &end, 10);
    if (end && *end == '\0' && v > 0) n.watchdog_ = std::chrono::microseconds(v);
  }
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  if (name.empty() || (name[0] != '/' && name[0] != '@') || name.size() >= sizeof(sockaddr_un::sun_path)) {
    n.watchdog_ = std::chrono::microseconds(0);  // nobody to ping
    return n;
  }
  if (name[0] == '@') name[0] = '\0';
  n.fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  n.address_ = std::move(name);
  if (n.fd_ < 0) n.watchdog_ = std::chrono::microseconds(0);
  return n;
}

SystemdNotify::SystemdNotify(SystemdNotify&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), address_(std::move(other.address_)), watchdog_(other.watchdog_) {}

SystemdNotify& SystemdNotify::operator=(SystemdNotify&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    address_ = std::move(other.address_);
    watchdog_ = other.watchdog_;
  }
  return *this;
}

SystemdNotify::~SystemdNotify() {
  if (fd_ >= 0) close(fd_);
}

bool SystemdNotify::send(std::string_view state) const noexcept {
  if (fd_ < 0) return false;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, address_.data(), address_.size());
  const socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size() +
                                                  (address_[0] == '\0' ? 0 : 1));
  return sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&a),
                length) == static_cast<ssize_t>(state.size());
}

bool SystemdNotify::reloading() const noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
  char state[64];
  const int n = std::snprintf(state, sizeof state, "RELOADING=1\nMONOTONIC_USEC=%lld", usec);
  return send(std::string_view(state, n > 0 ? static_cast<size_t>(n) : 0));
}

}  // namespace lodestar::server
