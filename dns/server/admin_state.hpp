// Operator overrides (drains and forced states), how they persist across restarts, and how
// they are applied to a view. The observed health is never touched: `auto` restores it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zones/view.hpp"

namespace lodestar::dns {

struct AdminState {
  struct Drain {
    std::string reason;
    uint32_t uid = 0;
    int64_t since = 0;  // unix time
  };
  std::map<std::string, Drain> drained;        // region name →
  std::map<std::string, std::string> forced;   // "REGION", "REGION/POOL" or an address → "up" | "down"
  /// Maintenance windows the daemon starts and ends itself: the region is drained in [start, end).
  struct Window {
    std::string region, reason;
    uint32_t uid = 0;
    int64_t start = 0, end = 0;  // unix time
  };
  std::vector<Window> windows;

  /// The drains in effect at `now`: explicit ones plus open windows.
  std::map<std::string, Drain> effectiveDrains(int64_t now) const;
  /// Drops windows that ended before `now`; true when any did.
  bool expireWindows(int64_t now);

  nlohmann::json toJson() const;
  /// nullopt with `error` set when the JSON does not have this shape.
  static std::optional<AdminState> fromJson(const nlohmann::json& j, std::string& error);
};

/// Writes `state_dir/admin-state.json` atomically: temp file, fsync, rename, fsync the folder.
bool saveAdminState(const std::string& stateDir, const AdminState& state, std::string& error);

/// Reads the persisted state. A missing file is no override. A corrupt one is moved aside
/// (admin-state.json.corrupt-TIME), reported in `message`, and treated as no override.
AdminState loadAdminState(const std::string& stateDir, std::string& message);

/// Sets the view's region drains and every endpoint's forced state from `state` (the most
/// specific target wins: address > REGION/POOL > REGION).
void applyAdminState(const AdminState& state, const zones::View& view, int64_t now);

/// Does `target` name a region, a REGION/POOL or an endpoint address of the view? If not,
/// `error` says what exists.
bool knownTarget(const zones::View& view, const std::string& target, std::string& error);

/// The steered records that would have no region left to answer from (every region drained,
/// or without a healthy endpoint) if `state` applied. Names, for the operator.
std::vector<std::string> recordsWithoutRegion(const zones::View& view, const AdminState& state, int64_t now);

/// Appends one JSON line to state_dir/audit.log.
void appendAudit(const std::string& stateDir, const nlohmann::json& entry);

}  // namespace lodestar::dns
