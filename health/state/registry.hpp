// Endpoint health cells by identity, kept across reloads: an endpoint that exists before
// and after a reload keeps its state (no flapping), because both views share its cell.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "health/state/health_cell.hpp"

namespace lodestar::health {

/// Thread-safe: a reload compiles beside the control loop, which collects after publishing.
class Registry {
 public:
  /// The cell for `key` (e.g. "192.0.2.1|web-check"), created Up on first use.
  std::shared_ptr<HealthCell> acquire(const std::string& key);
  /// Forgets cells no view uses any more.
  void collect();
  size_t size() const;
  /// Unique among the registries of this process, even one made at a freed one's address:
  /// what tells a load whether zones compiled before hold this registry's cells.
  uint64_t id() const noexcept { return id_; }

 private:
  static uint64_t nextId() noexcept;
  const uint64_t id_ = nextId();
  mutable std::mutex lock_;
  std::map<std::string, std::shared_ptr<HealthCell>> cells_;  // guarded by lock_
};

}  // namespace lodestar::health
