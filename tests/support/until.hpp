// Waits for a condition the daemon reaches by itself (a probe verdict, a window edge, a page
// redrawn): polls every 50 ms, bounded by `limit`.
#pragma once

#include <chrono>
#include <thread>

namespace lodestar::test {

template <typename Pred>
bool until(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(6000)) {
  for (auto start = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - start < limit;) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace lodestar::test
