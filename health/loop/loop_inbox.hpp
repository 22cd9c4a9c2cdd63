// Work handed to the control loop from another thread: post() from anywhere, the loop runs
// each function on its own thread, in order. Threads that talk to the network (the cluster
// link) use it so the loop never blocks on them.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "health/loop/event_loop.hpp"

namespace lodestar::loop {

class LoopInbox {
 public:
  explicit LoopInbox(EventLoop& loop);
  ~LoopInbox();
  LoopInbox(const LoopInbox&) = delete;
  LoopInbox& operator=(const LoopInbox&) = delete;

  /// Thread-safe; `work` runs on the loop's thread (not after the inbox is destroyed).
  void post(std::function<void()> work);

 private:
  void runPosted();

  EventLoop& loop_;
  int wakeFd_ = -1;  // an eventfd: readable while work waits
  std::mutex lock_;
  std::vector<std::function<void()>> waiting_;
};

}  // namespace lodestar::loop
