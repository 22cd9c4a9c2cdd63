// Looking a control command up in its table and checking its arguments.
#include "dns/server/control_commands.hpp"

#include <algorithm>

namespace lodestar::server {

void dispatchControl(const std::vector<ControlCommand>& table, const std::string& command, const nlohmann::json& args,
                     uid_t uid, const ControlServer::Reply& reply) {
  if (!args.is_object()) return reply(control::failure(control::argumentError(args, {})));
  auto row = std::find_if(table.begin(), table.end(), [&](const ControlCommand& c) { return c.name == command; });
  if (row != table.end()) {
    if (auto error = control::argumentError(args, row->arguments); !error.empty()) return reply(control::failure(error));
    return row->handler(args, uid, reply);
  }
  std::vector<std::string> names;
  for (const auto& c : table) names.push_back(c.name);
  std::sort(names.begin(), names.end());
  std::string known;
  for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
  reply(control::failure("unknown command '" + command + "' (known: " + known + ")"));
}

}  // namespace lodestar::server
