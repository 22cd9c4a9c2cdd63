// Endpoint cells shared between views.
#include "health/registry.hpp"

namespace lodestar::health {

std::shared_ptr<EndpointState> Registry::acquire(const std::string& key) {
  auto& cell = cells_[key];
  if (!cell) cell = std::make_shared<EndpointState>();
  return cell;
}

void Registry::collect() {
  for (auto it = cells_.begin(); it != cells_.end();) {
    if (it->second.use_count() == 1) it = cells_.erase(it);
    else ++it;
  }
}

}  // namespace lodestar::health
