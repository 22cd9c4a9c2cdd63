// Loading everything a configuration names: main config, geo database, zones → one view.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "dns/config/server_config.hpp"
#include "health/state/registry.hpp"
#include "zones/yaml/diagnostics.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

struct LoadedConfig {
  lodestar::config::ServerConfig config;
  std::unique_ptr<zones::View> view;
  std::shared_ptr<zones::AdminCells> admin;  // the writable handle of the view's override table
  std::string contentHash;  // of the zone files and the geo database (not the main config)
  size_t compiled = 0;      // zone policy files compiled by this load
  size_t kept = 0;          // those unchanged since the view it replaces, whose zones it kept
};

/// The real loader, used by the daemon, reloads and --check alike. `previous` (may be null)
/// is the view being replaced: zones with `serial: auto` then get a higher serial.
/// `registry` (may be null) keeps endpoint health across reloads.
std::optional<LoadedConfig> loadConfiguration(const std::string& configPath, const zones::View* previous,
                                              yaml::Diagnostics& diags, health::Registry* registry = nullptr);

/// One line per steered record and the geo database, for --check and reload logs.
std::string describeView(const zones::View& view);
/// What a reload's answer says: describeView()'s first line, what was compiled and kept, and
/// the records whose withdrawal can outlast their TTL (at most 20 named). Short at any size:
/// the whole description of 100,000 steered records is megabytes.
std::string describeReload(const LoadedConfig& loaded);
/// "1 zone policy file(s) compiled, 999 unchanged and kept": the reply's line and the log's.
std::string describeCompiled(const LoadedConfig& loaded);

}  // namespace lodestar::server
