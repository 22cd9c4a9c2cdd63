// A daemon configuration whose exec hook records every call, for the tests that check what the
// hooks were told (fail-open, held windows): the same script hooks_test.cpp writes, in one place.
#pragma once

#include <string>

#include "tests/support/command.hpp"
#include "tests/support/temp_dir.hpp"

namespace lodestar::test {

/// Writes DIR/record.sh, which appends its arguments to DIR/calls and $LODESTAR_EVENT to
/// DIR/events, and DIR/lodestar.yaml: loopback on port 0, one worker, the zones in DIR/zones/,
/// state and control socket in DIR/state/, that hook. Returns the configuration's path.
inline std::string writeRecordingHookConfig(const TempDir& dir) {
  auto record = dir.write("record.sh", "#!/bin/sh\necho \"$@\" >> " + dir.path() + "/calls\n"
                                       "echo \"$LODESTAR_EVENT\" >> " + dir.path() + "/events\n");
  runCommand("chmod +x " + record);
  return dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [zones/]\nstate_dir: state\n"
                                    "control_socket: state/ctl.sock\nhooks:\n  - exec: [" + record + "]\n");
}

}  // namespace lodestar::test
