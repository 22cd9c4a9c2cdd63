// Endpoint health cells by identity, kept across reloads: an endpoint that exists before
// and after a reload keeps its state (no flapping), because both views share its cell.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "health/endpoint_state.hpp"

namespace lodestar::health {

class Registry {
 public:
  /// The cell for `key` (e.g. "192.0.2.1|web-check"), created Up on first use.
  std::shared_ptr<EndpointState> acquire(const std::string& key);
  /// Forgets cells no view uses any more.
  void collect();
  size_t size() const noexcept { return cells_.size(); }

 private:
  std::map<std::string, std::shared_ptr<EndpointState>> cells_;
};

}  // namespace lodestar::health
