// Scratch folders and the path of the checked-in test data, for every test support file.
#pragma once

#include <string>

namespace lodestar::test {

/// A scratch folder under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  /// Writes `content` to path()/name (creating folders) and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

/// Path of a file under tests/data in the source tree.
std::string dataPath(const std::string& relative);

}  // namespace lodestar::test
