// Runs a program from the control loop without blocking it: exit noticed through a pidfd,
// the whole process group killed at the timeout.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "health/loop/event_loop.hpp"

namespace lodestar::health {

struct ChildResult {
  bool started = false;
  bool timedOut = false;
  int exitStatus = -1;  // when it exited
  int signal = 0;       // when a signal ended it
  std::string error;    // why it did not start
  int spawnError = 0;   // posix_spawn's errno when it did not start
  std::string describe() const;  // "exit 0", "killed after 300ms", ...
};

/// Starts argv[0] (a path) with `extraEnv` ("NAME=value") added; `done` runs on the loop.
void runChild(loop::EventLoop& loop, std::vector<std::string> argv, const std::vector<std::string>& extraEnv,
              std::chrono::milliseconds timeout, std::function<void(const ChildResult&)> done);

/// Kills (and reaps) every child still running, with its process group: at shutdown, so no
/// hook or probe outlives the daemon holding its output open.
void killRunningChildren();

}  // namespace lodestar::health
