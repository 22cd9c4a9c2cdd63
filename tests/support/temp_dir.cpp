// Scratch folders under /tmp and the tests/data path.
#include "tests/support/temp_dir.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace lodestar::test {

TempDir::TempDir() {
  char tmpl[] = "/tmp/lodestar-test-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  std::string full = path_ + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(full).parent_path());
  std::ofstream(full, std::ios::binary) << content;
  return full;
}

std::string dataPath(const std::string& relative) { return std::string(LODESTAR_SOURCE_DIR) + "/tests/data/" + relative; }

}  // namespace lodestar::test
