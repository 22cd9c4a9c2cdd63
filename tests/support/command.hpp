// Runs a command line for a test and captures its output and exit status.
#pragma once

#include <string>

namespace lodestar::test {

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

/// Runs `command` through /bin/sh with stderr folded into stdout.
CommandResult runCommand(const std::string& command);

}  // namespace lodestar::test
