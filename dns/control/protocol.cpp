// The control protocol's two reply shapes.
#include "dns/control/protocol.hpp"

#include <map>

namespace lodestar::control {

nlohmann::json failure(const std::string& message) {
  return {{"version", kProtocolVersion}, {"ok", false}, {"error", message}};
}

nlohmann::json success(nlohmann::json result) {
  return {{"version", kProtocolVersion}, {"ok", true}, {"result", std::move(result)}};
}

std::string argumentError(const nlohmann::json& args) {
  if (!args.is_object()) return "\"args\" must be a JSON object";
  static const std::map<std::string, nlohmann::json::value_t> kTypes = {
      {"target", nlohmann::json::value_t::string}, {"reason", nlohmann::json::value_t::string},
      {"state", nlohmann::json::value_t::string},  {"name", nlohmann::json::value_t::string},
      {"type", nlohmann::json::value_t::string},   {"client", nlohmann::json::value_t::string},
      {"ecs", nlohmann::json::value_t::string},    {"force", nlohmann::json::value_t::boolean},
      {"dry_run", nlohmann::json::value_t::boolean}, {"detail", nlohmann::json::value_t::boolean},
      {"start", nlohmann::json::value_t::number_integer},
      {"end", nlohmann::json::value_t::number_integer}, {"local", nlohmann::json::value_t::boolean},
      {"cluster", nlohmann::json::value_t::boolean}, {"limit", nlohmann::json::value_t::number_integer}};
  for (const auto& [key, value] : args.items()) {
    auto t = kTypes.find(key);
    if (t == kTypes.end()) continue;  // unknown arguments are ignored, for newer clients
    bool integer = value.is_number_integer();
    bool fits = t->second == nlohmann::json::value_t::number_integer ? integer : value.type() == t->second;
    if (!fits) {
      const char* want = t->second == nlohmann::json::value_t::string    ? "a string"
                         : t->second == nlohmann::json::value_t::boolean ? "true or false"
                                                                         : "an integer (seconds since 1970)";
      return "argument \"" + key + "\" must be " + want + ", not " + value.type_name();
    }
  }
  return {};
}


}  // namespace lodestar::control
