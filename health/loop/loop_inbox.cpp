#include "health/loop/loop_inbox.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace lodestar::loop {

LoopInbox::LoopInbox(EventLoop& loop) : loop_(loop), wakeFd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (wakeFd_ < 0) throw std::runtime_error("cannot create the loop inbox's eventfd");
  loop_.watch(wakeFd_, EPOLLIN, [this](uint32_t) { runPosted(); });
}

LoopInbox::~LoopInbox() {
  loop_.unwatch(wakeFd_);
  close(wakeFd_);
}

void LoopInbox::post(std::function<void()> work) {
  {
    std::lock_guard<std::mutex> hold(lock_);
    waiting_.push_back(std::move(work));
  }
  uint64_t one = 1;
  (void)!write(wakeFd_, &one, sizeof one);
}

void LoopInbox::runPosted() {
  uint64_t count;
  (void)!read(wakeFd_, &count, sizeof count);
  std::vector<std::function<void()>> work;
  {
    std::lock_guard<std::mutex> hold(lock_);
    work.swap(waiting_);
  }
  for (auto& w : work) w();
}

}  // namespace lodestar::loop
