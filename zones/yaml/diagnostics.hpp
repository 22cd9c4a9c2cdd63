// Configuration errors and warnings, each with file:line:column, collected rather than thrown.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lodestar::yaml {

/// Where something was written: 1-based line and column; 0 when unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  SourceLocation where;
  std::string message;
  /// "file:line:column: message" (or "file: message" without a position).
  std::string toString() const;
};

/// Collects every problem of a load so the operator sees all of them at once.
class Diagnostics {
 public:
  void error(SourceLocation where, std::string message);
  void warning(SourceLocation where, std::string message);

  bool ok() const noexcept { return errors_.empty(); }
  const std::vector<Diagnostic>& errors() const noexcept { return errors_; }
  const std::vector<Diagnostic>& warnings() const noexcept { return warnings_; }
  /// Every error, then every warning (prefixed "warning: "), one per line.
  std::string report() const;

  /// A file the load read, by the digest of its bytes: what a configuration is made of
  /// (the nodes of a cluster compare them).
  void noteSource(const std::string& path, std::string_view bytes);
  /// The same, when the digest is known (a zone kept from the previous load read it then).
  void noteSource(const std::string& path, uint64_t digest);
  const std::map<std::string, uint64_t>& sources() const noexcept { return sources_; }
  /// Every noteSource() in order, repeats included: what one part of a load read is the
  /// slice it added.
  const std::vector<std::pair<std::string, uint64_t>>& sourceLog() const noexcept { return sourceLog_; }

 private:
  std::map<std::string, uint64_t> sources_;
  std::vector<std::pair<std::string, uint64_t>> sourceLog_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
};

}  // namespace lodestar::yaml
