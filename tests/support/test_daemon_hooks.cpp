// The test hooks of lodestar-test-daemon (the daemon's main built with LODESTAR_TEST_DAEMON):
// LODESTAR_TEST_CLOSED_PROBES="addr,addr" sends probes of those addresses to a closed port,
// so one node of a cluster test "cannot reach" them; LODESTAR_TEST_STALL_FILE=PATH stops the
// control loop while PATH exists (the watchdog test). The shipped lodestar links none of this.
#include <cstdlib>
#include <string>
#include <vector>

#include "dns/server/daemon.hpp"
#include "health/prober.hpp"

void applyTestHooks() {
  std::vector<std::string> closed;
  const char* env = std::getenv("LODESTAR_TEST_CLOSED_PROBES");
  for (std::string rest = env ? env : ""; !rest.empty();) {
    auto comma = rest.find(',');
    closed.push_back(rest.substr(0, comma));
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }
  lodestar::health::Prober::closeForTests(std::move(closed));
  if (const char* stall = std::getenv("LODESTAR_TEST_STALL_FILE")) lodestar::server::stallControlLoopForTests(stall);
}
