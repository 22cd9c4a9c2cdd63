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
/// exit code. Started by systemd as Type=notify (NOTIFY_SOCKET), it says READY=1,
/// RELOADING=1 and READY=1 around a SIGHUP's reload, STOPPING=1, a STATUS= line, and pings
/// the watchdog (WATCHDOG_USEC) from its control loop.
int runDaemon(const std::string& configPath);

/// Tests only (lodestar-test-daemon): while the file `path` exists the control loop stands
/// still at its next watchdog ping, as a loop stuck in a bug would; the workers go on.
void stallControlLoopForTests(std::string path);

}  // namespace lodestar::server
