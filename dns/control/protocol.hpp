// The control protocol (docs/control-protocol.md): one JSON request per connection, one
// JSON response back, each a single line. Versioned; size-limited.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lodestar::control {

inline constexpr int kProtocolVersion = 1;
/// A request longer than this is refused (it is never a legitimate command).
inline constexpr size_t kMaxRequest = 64 * 1024;

/// {"version":1,"ok":false,"error":message}
nlohmann::json failure(const std::string& message);
/// {"version":1,"ok":true,"result":result}
nlohmann::json success(nlohmann::json result);

enum class ArgumentType { String, Boolean, Integer, Time };  // Time: an integer, seconds since 1970
struct Argument {
  const char* name;
  ArgumentType type;
};
/// The arguments a command takes, each with its one type.
using ArgumentSpec = std::vector<Argument>;

/// "" when `args` is an object whose arguments named in `spec` have their type, else an error
/// that names the argument (not a library's exception text). Arguments `spec` does not name
/// are ignored, for newer clients.
std::string argumentError(const nlohmann::json& args, const ArgumentSpec& spec);

/// One request as the daemon reads it.
struct Request {
  std::string command;
  nlohmann::json args = nlohmann::json::object();
};
/// The line a client sends for a request (without its newline).
std::string requestLine(const std::string& command, const nlohmann::json& args);
/// The request in `bytes` (up to the first newline, or all of them when there is none), or
/// nullopt with `error` set to the message the daemon's failure reply carries.
std::optional<Request> parseRequest(std::string_view bytes, std::string& error);
/// A reply as the client reads it (up to the first newline): nullopt when it is not one JSON object.
std::optional<nlohmann::json> parseReply(std::string_view bytes);

}  // namespace lodestar::control
