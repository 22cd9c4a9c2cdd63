// The control protocol's two reply shapes.
#include "dns/control/protocol.hpp"


namespace lodestar::control {

nlohmann::json failure(const std::string& message) {
  return {{"version", kProtocolVersion}, {"ok", false}, {"error", message}};
}

nlohmann::json success(nlohmann::json result) {
  return {{"version", kProtocolVersion}, {"ok", true}, {"result", std::move(result)}};
}

std::string argumentError(const nlohmann::json& args, const ArgumentSpec& spec) {
  if (!args.is_object()) return "\"args\" must be a JSON object";
  for (const auto& [name, type] : spec) {
    auto value = args.find(name);
    if (value == args.end()) continue;
    bool fits = type == ArgumentType::String    ? value->is_string()
                : type == ArgumentType::Boolean ? value->is_boolean()
                                                : value->is_number_integer();
    if (!fits) {
      const char* want = type == ArgumentType::String    ? "a string"
                         : type == ArgumentType::Boolean ? "true or false"
                         : type == ArgumentType::Time    ? "an integer (seconds since 1970)"
                                                         : "an integer";
      return "argument \"" + std::string(name) + "\" must be " + want + ", not " + value->type_name();
    }
  }
  return {};
}


}  // namespace lodestar::control
