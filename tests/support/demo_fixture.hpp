// The demo site (examples/ as the build copies it), copied to a scratch folder and run on
// free ports, with real HTTP backends on its six loopback endpoints: for the demo tests and the failover drill.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/daemon_process.hpp"

namespace lodestar::test {

/// One lodestar-demo-backend process serving some endpoints.
class Backend {
 public:
  Backend(const std::vector<std::string>& addresses, uint16_t port, bool hang = false);
  ~Backend();
  void stop();

 private:
  pid_t pid_ = -1;
};

class DemoFixture {
 public:
  /// `checkPort`: where the backends listen and the demo's check probes (a free port).
  /// `daemonPrefix`: a command the daemon runs under (e.g. prlimit), as DaemonProcess takes.
  /// `moreConfig`: YAML appended to the demo's lodestar.yaml (e.g. an `http:` block); each of its
  /// top-level keys replaces the demo's block of that key.
  explicit DemoFixture(std::vector<std::string> daemonPrefix = {}, const std::string& moreConfig = "");
  DaemonProcess& daemon() { return *daemon_; }
  uint16_t checkPort() const { return checkPort_; }
  const TempDir& dir() const { return dir_; }
  /// Starts (or restarts) the backends of one demo region: "us-east", "eu-west", "ap-northeast".
  void startRegion(const std::string& region, bool hang = false);
  void stopRegion(const std::string& region);
  /// Stops the daemon (SIGKILL when `hard`, else SIGTERM) and starts it again.
  void restartDaemon(bool hard);

 private:
  TempDir dir_;
  uint16_t checkPort_ = 0;
  std::vector<std::string> daemonPrefix_;
  std::map<std::string, std::unique_ptr<Backend>> backends_;
  std::unique_ptr<DaemonProcess> daemon_;
};

/// A TCP port no one listens on right now (the kernel's choice).
uint16_t freePort();

}  // namespace lodestar::test
