// Listening sockets: per worker, one SO_REUSEPORT UDP socket and one TCP listener per address.
#pragma once

#include <string>
#include <vector>

#include "dns/config/server_config.hpp"

namespace lodestar::server {

struct WorkerSockets {
  std::vector<int> udp;
  std::vector<int> tcp;
  std::vector<bool> udpWildcard;  // bound to 0.0.0.0 / ::, so replies need the packet's address
};

struct BoundAddress {
  std::string text;  // "127.0.0.1:5353" with the real port (port 0 resolved)
};

/// Opens every socket for `workers` workers. With port 0, the first bind picks the port and
/// every other socket (UDP and TCP, every worker) reuses it. Throws std::runtime_error with
/// an actionable message when a bind fails.
std::vector<WorkerSockets> openSockets(const std::vector<lodestar::config::ListenAddress>& listen, unsigned workers,
                                       std::vector<BoundAddress>& bound);

void closeSockets(std::vector<WorkerSockets>& sockets);

}  // namespace lodestar::server
