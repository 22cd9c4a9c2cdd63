// The demo's steered answers as the e2e tests compare them, and lodestarctl against a
// DemoFixture (e2e tests only: LODESTARCTL_BINARY is theirs).
#pragma once

#include <string>
#include <vector>

#include "tests/support/command.hpp"
#include "tests/support/demo_fixture.hpp"

namespace lodestar::test {

using Addrs = std::vector<std::string>;
inline const Addrs kUsEast = {"www.gtm.example.test. 30 A 127.0.1.1", "www.gtm.example.test. 30 A 127.0.1.2"};
inline const Addrs kEuWest = {"www.gtm.example.test. 30 A 127.0.2.1", "www.gtm.example.test. 30 A 127.0.2.2"};

/// What a client of Germany (the demo database's EU network) gets for www, as its resolver asks.
inline Addrs euAnswer(DaemonProcess& d) {
  return d.ask(QueryBuilder().name("www.gtm.example.test.").ecs("198.51.100.0/24")).answer;
}

/// lodestarctl -c <the demo's lodestar.yaml> ARGS.
inline CommandResult ctl(DemoFixture& demo, const std::string& args) {
  return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml " + args);
}

}  // namespace lodestar::test
