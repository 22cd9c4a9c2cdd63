// Endpoint cells shared between views.
#include "health/state/registry.hpp"

#include <atomic>

namespace lodestar::health {

uint64_t Registry::nextId() noexcept {
  static std::atomic<uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::shared_ptr<HealthCell> Registry::acquire(const std::string& key) {
  std::lock_guard<std::mutex> guard(lock_);
  auto& cell = cells_[key];
  if (!cell) cell = std::make_shared<HealthCell>();
  return cell;
}

void Registry::collect() {
  std::lock_guard<std::mutex> guard(lock_);
  for (auto it = cells_.begin(); it != cells_.end();) {
    if (it->second.use_count() == 1) it = cells_.erase(it);
    else ++it;
  }
}

size_t Registry::size() const {
  std::lock_guard<std::mutex> guard(lock_);
  return cells_.size();
}

}  // namespace lodestar::health
