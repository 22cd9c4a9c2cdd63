// lodestarctl's side of the control protocol.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace lodestar::control {

/// Sends one request to the daemon at `socketPath`. On failure to reach it, returns nullopt
/// with `error` set to something a person can act on.
std::optional<nlohmann::json> request(const std::string& socketPath, const std::string& command,
                                             const nlohmann::json& args, std::string& error);

}  // namespace lodestar::control
