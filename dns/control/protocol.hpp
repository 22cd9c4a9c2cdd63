// The control protocol (docs/control-protocol.md): one JSON request per connection, one
// JSON response back, each a single line. Versioned; size-limited.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace lodestar::control {

inline constexpr int kProtocolVersion = 1;
/// A request longer than this is refused (it is never a legitimate command).
inline constexpr size_t kMaxRequest = 64 * 1024;

/// {"version":1,"ok":false,"error":message}
nlohmann::json failure(const std::string& message);
/// {"version":1,"ok":true,"result":result}
nlohmann::json success(nlohmann::json result);

/// Each argument a command may take has one type: "" when `args` holds only those, else an
/// error that names the argument (not a library's exception text). Unknown arguments are
/// ignored, for newer clients.
std::string argumentError(const nlohmann::json& args);

}  // namespace lodestar::control
