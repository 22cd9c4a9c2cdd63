// The control thread's event loop: file descriptors and timers on one epoll, callbacks run
// on the loop's thread only. Probes, hooks, signals and the control socket all live here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace lodestar::loop {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using FdCallback = std::function<void(uint32_t events)>;
  using TimerCallback = std::function<void()>;
  using TimerId = uint64_t;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Watches `fd` for `events` (EPOLLIN, EPOLLOUT, ...); replaces an earlier watch.
  void watch(int fd, uint32_t events, FdCallback callback);
  void unwatch(int fd);
  /// For an fd about to be closed: drops its callback only (closing it removes it from
  /// epoll; an EPOLL_CTL_DEL first would be one more system call per probe).
  void forgetClosing(int fd) { fds_.erase(fd); }
  /// Runs `callback` once at `when`. Returns an id for cancel().
  TimerId at(Clock::time_point when, TimerCallback callback);
  TimerId after(std::chrono::milliseconds delay, TimerCallback callback) { return at(Clock::now() + delay, std::move(callback)); }
  void cancel(TimerId id);

  /// Runs until stop(); callbacks may add and remove watches and timers.
  void run();
  /// Runs one round: waits at most `maxWait` for events, then fires due timers.
  void runOnce(std::chrono::milliseconds maxWait);
  void stop() noexcept { stopping_ = true; }

 private:
  int epollFd_;
  bool stopping_ = false;
  std::unordered_map<int, std::shared_ptr<FdCallback>> fds_;
  std::multimap<Clock::time_point, std::pair<TimerId, TimerCallback>> timers_;
  std::unordered_map<TimerId, Clock::time_point> timerIndex_;
  TimerId nextTimer_ = 1;
};

}  // namespace lodestar::loop
