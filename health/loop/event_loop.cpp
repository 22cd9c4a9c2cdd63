// epoll + an ordered timer map; callbacks are copied out before running so they may
// change the loop freely.
#include "health/loop/event_loop.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace lodestar::loop {

EventLoop::EventLoop() : epollFd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epollFd_ < 0) throw std::runtime_error("epoll_create1 failed");
}

EventLoop::~EventLoop() { close(epollFd_); }

void EventLoop::watch(int fd, uint32_t events, FdCallback callback) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  bool known = fds_.count(fd) > 0;
  fds_[fd] = std::make_shared<FdCallback>(std::move(callback));
  epoll_ctl(epollFd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
}

void EventLoop::unwatch(int fd) {
  if (fds_.erase(fd)) epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::at(Clock::time_point when, TimerCallback callback) {
  TimerId id = nextTimer_++;
  timers_.emplace(when, std::make_pair(id, std::move(callback)));
  timerIndex_.emplace(id, when);
  return id;
}

void EventLoop::cancel(TimerId id) {
  auto it = timerIndex_.find(id);
  if (it == timerIndex_.end()) return;
  auto range = timers_.equal_range(it->second);
  for (auto t = range.first; t != range.second; ++t) {
    if (t->second.first == id) {
      timers_.erase(t);
      break;
    }
  }
  timerIndex_.erase(it);
}

void EventLoop::runOnce(std::chrono::milliseconds maxWait) {
  auto now = Clock::now();
  auto wait = maxWait;
  if (!timers_.empty()) {
    auto untilNext = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first - now);
    if (untilNext < wait) wait = untilNext < std::chrono::milliseconds(0) ? std::chrono::milliseconds(0) : untilNext;
  }
  std::array<epoll_event, 64> events;
  int n = epoll_wait(epollFd_, events.data(), static_cast<int>(events.size()), static_cast<int>(wait.count()));
  for (int i = 0; i < n; ++i) {
    auto it = fds_.find(events[i].data.fd);
    if (it == fds_.end()) continue;  // unwatched by an earlier callback of this round
    auto callback = it->second;      // keeps it alive even if the callback unwatches itself
    (*callback)(events[i].events);
  }
  now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto node = timers_.extract(timers_.begin());
    timerIndex_.erase(node.mapped().first);
    node.mapped().second();
  }
}

void EventLoop::run() {
  stopping_ = false;
  while (!stopping_) runOnce(std::chrono::milliseconds(1000));
}

}  // namespace lodestar::loop
