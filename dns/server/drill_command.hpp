// The drill control command: the prediction (drill.hpp), the drain as a maintenance window
// from now for the drill's length through the admin path every drain takes (safety rule,
// state file or etcd, audit, the cluster's acknowledgements), then the answer path asked
// until the sampled clients' answers have left the region: the report says how long that took.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "dns/server/admin_state.hpp"
#include "dns/server/control_server.hpp"
#include "health/loop/event_loop.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

class DrillCommand {
 public:
  using CurrentView = std::function<const zones::View&()>;
  using Effective = std::function<AdminState()>;
  /// The drain command's handler (the daemon's: it re-judges regions and arms window edges).
  using Execute = std::function<void(const std::string& command, const nlohmann::json& args, uid_t uid,
                                     const ControlServer::Reply& reply)>;
  DrillCommand(loop::EventLoop& loop, CurrentView view, Effective effective, Execute execute)
      : loop_(loop), view_(std::move(view)), effective_(std::move(effective)), execute_(std::move(execute)) {}

  /// args: target (the region), seconds (the drill's length), sample (addresses per area,
  /// default 3), dry_run, force, local, reason.
  void run(const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply);

  static constexpr int64_t kDefaultSample = 3, kMostSample = 64;
  /// How long the answer path is asked, every kAskEvery, before the report says the answers
  /// did not change (a window held by the safety rule on this node, say).
  static constexpr std::chrono::milliseconds kAskFor{5000}, kAskEvery{5};

 private:
  loop::EventLoop& loop_;
  CurrentView view_;
  Effective effective_;
  Execute execute_;
};

}  // namespace lodestar::server
