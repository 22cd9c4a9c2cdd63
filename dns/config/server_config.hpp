// The main configuration file (lodestar.yaml): where to listen, how many workers, which zones.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dns/wire/address.hpp"
#include "health/hooks.hpp"
#include "zones/diagnostics.hpp"

namespace lodestar::config {

struct ListenAddress {
  wire::Address address;
  uint16_t port = 53;
  std::string text;  // as written, for messages
};

struct ServerConfig {
  std::string path;  // of the config file itself
  std::vector<ListenAddress> listen;
  unsigned workers = 0;  // 0: one per core
  std::vector<std::string> zonePaths;  // absolute or relative to the config file's folder
  std::string geoDatabase;  // MaxMind DB (City or Country shape); empty: no geo database
  zones::SourceLocation geoDatabaseWhere;
  std::string stateDir;
  std::string controlSocket;
  uint16_t udpMaxPayload = 1232;
  /// udp.coalesce_max_us: the longest a UDP thread waits to gather queries under load; 0: never.
  std::chrono::microseconds udpCoalesceMax{0};
  unsigned tcpMaxConnections = 1024;
  std::chrono::milliseconds tcpIdleTimeout{10'000};
  std::vector<health::HookSpec> hooks;  // run on every health state change
};

/// Reads and checks the main config; nullopt when anything is wrong (all of it reported).
std::optional<ServerConfig> loadServerConfig(const std::string& path, zones::Diagnostics& diags);

/// Parses "127.0.0.1:53", "[::1]:53" or a bare address (port 53).
std::optional<ListenAddress> parseListenAddress(const std::string& text);

}  // namespace lodestar::config
