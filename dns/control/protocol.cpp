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

std::string requestLine(const std::string& command, const nlohmann::json& args) {
  return nlohmann::json{{"version", kProtocolVersion}, {"command", command}, {"args", args}}.dump();
}

std::optional<Request> parseRequest(std::string_view bytes, std::string& error) {
  nlohmann::json request = nlohmann::json::parse(bytes.substr(0, bytes.find('\n')), nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    error = "malformed request: expected one JSON object on one line";
    return std::nullopt;
  }
  if (!request.contains("version") || request["version"] != kProtocolVersion) {
    error = "unsupported protocol version (this daemon speaks version " + std::to_string(kProtocolVersion) + ")";
    return std::nullopt;
  }
  if (!request.contains("command") || !request["command"].is_string()) {
    error = "malformed request: no \"command\"";
    return std::nullopt;
  }
  Request r;
  r.command = request["command"].get<std::string>();
  if (request.contains("args")) r.args = std::move(request["args"]);
  return r;
}

std::optional<nlohmann::json> parseReply(std::string_view bytes) {
  auto reply = nlohmann::json::parse(bytes.substr(0, bytes.find('\n')), nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) return std::nullopt;
  return reply;
}

}  // namespace lodestar::control
