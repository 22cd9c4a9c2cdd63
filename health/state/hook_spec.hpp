// An operator's hook as configured: an exec command or a webhook URL, run on every health
// state change. A definition only (the main configuration reads it); health/hooks.hpp runs it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace lodestar::health {

struct HookSpec {
  std::vector<std::string> command;  // exec: argv; the endpoint, old and new state are appended
  std::string url;                   // webhook: POST target
  std::chrono::milliseconds timeout{5000};
};

}  // namespace lodestar::health
