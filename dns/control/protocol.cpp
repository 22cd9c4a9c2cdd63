// The control protocol's two reply shapes.
#include "dns/control/protocol.hpp"

namespace lodestar::control {

nlohmann::json failure(const std::string& message) {
  return {{"version", kProtocolVersion}, {"ok", false}, {"error", message}};
}

nlohmann::json success(nlohmann::json result) {
  return {{"version", kProtocolVersion}, {"ok", true}, {"result", std::move(result)}};
}

}  // namespace lodestar::control
