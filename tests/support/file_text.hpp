// A file the daemon or a test's hook wrote (a state file, an audit log, a hook's record), read
// back whole so a test can check it; "" when it is not there yet.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace lodestar::test {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace lodestar::test
