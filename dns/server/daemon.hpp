// Daemon wiring: config → view → sockets → workers; the control loop handles signals and
// reloads.
#pragma once

#include <ostream>
#include <string>

namespace lodestar::server {

/// `lodestar --check`: loads everything without opening sockets; prints errors as
/// file:line:column and returns the exit code (0 ok, 1 errors).
int checkConfiguration(const std::string& configPath, std::ostream& out, std::ostream& err);

/// Runs the server in the foreground until SIGTERM or SIGINT; SIGHUP reloads. Returns the
/// exit code.
int runDaemon(const std::string& configPath);

}  // namespace lodestar::server
