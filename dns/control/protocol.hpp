// The control protocol (docs/control-protocol.md): one JSON request per connection, one
// JSON response back, each a single line. Versioned; size-limited.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
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

}  // namespace lodestar::control
