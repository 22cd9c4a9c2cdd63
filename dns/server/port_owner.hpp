// Who already holds a local port: read from /proc, to name the other process in the error
// when a second server would silently share our address through SO_REUSEPORT.
#pragma once

#include <cstdint>
#include <string>

namespace lodestar::server {

/// "pid 1234 (lodestar)" for the process with a UDP (or listening TCP) socket on local
/// `port`, or "" when /proc does not tell (another user's process, no /proc).
std::string portOwner(uint16_t port, bool tcp);

}  // namespace lodestar::server
