// The daemon's control commands as one table: a command is a row {name, arguments, handler},
// and adding one touches only that table (docs/control-protocol.md describes them).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/control/protocol.hpp"
#include "dns/server/control_server.hpp"

namespace lodestar::server {

struct ControlCommand {
  using Handler = std::function<void(const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply)>;
  std::string name;
  control::ArgumentSpec arguments;  // type-checked before the handler runs
  Handler handler;
};

/// Runs the row named `command` once its arguments have their types; an unknown command is
/// answered with the names known.
void dispatchControl(const std::vector<ControlCommand>& table, const std::string& command, const nlohmann::json& args,
                     uid_t uid, const ControlServer::Reply& reply);

}  // namespace lodestar::server
