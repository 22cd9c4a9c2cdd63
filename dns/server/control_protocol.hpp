// The control protocol (docs/control-protocol.md): one JSON request per connection, one
// JSON response back, each a single line. Versioned; size-limited.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace lodestar::dns {

inline constexpr int kControlProtocolVersion = 1;
/// A request longer than this is refused (it is never a legitimate command).
inline constexpr size_t kMaxControlRequest = 64 * 1024;

/// {"version":1,"ok":false,"error":message}
nlohmann::json controlError(const std::string& message);
/// {"version":1,"ok":true,"result":result}
nlohmann::json controlOk(nlohmann::json result);

}  // namespace lodestar::dns
