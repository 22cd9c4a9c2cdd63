// Typed reading of YAML nodes that reports file:line:column and the key path on every mistake.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire/duration.hpp"
#include "zones/yaml/diagnostics.hpp"
#include "zones/yaml/node.hpp"

namespace lodestar::yaml {

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  /// Loads the file; on a syntax error reports it and returns an undefined node. Nodes stay
  /// valid while this reader lives.
  Node load();
  /// The same on text already read (`file` names it in messages): what load() does after reading.
  Node parse(std::string_view text);

  const std::string& file() const noexcept { return file_; }
  Diagnostics& diags() noexcept { return diags_; }
  SourceLocation at(const Node& node) const;
  void error(const Node& node, std::string_view path, const std::string& message);
  void warning(const Node& node, std::string_view path, const std::string& message);

  /// True when `node` is a map; reports keys that are not in `allowed` (typos are errors).
  bool expectMap(const Node& node, std::string_view path, std::initializer_list<std::string_view> allowed);
  /// Reports keys that appear twice in one mapping; false when any does.
  bool uniqueKeys(const Node& node, std::string_view path);
  std::optional<std::string> string(const Node& node, std::string_view path);
  std::optional<uint64_t> integer(const Node& node, std::string_view path, uint64_t min, uint64_t max);
  std::optional<double> number(const Node& node, std::string_view path, double min, double max);
  std::optional<bool> boolean(const Node& node, std::string_view path);
  /// A duration in the one grammar (dns/wire/duration.hpp): "500ms", "30s", "1h30m", or seconds.
  std::optional<std::chrono::milliseconds> duration(const Node& node, std::string_view path,
                                                    wire::DurationRange range = {});
  /// The same grammar in whole seconds, for TTLs and SOA timers: "30s" == "30".
  std::optional<uint64_t> seconds(const Node& node, std::string_view path, uint64_t min, uint64_t max);
  /// A scalar or a sequence of scalars, as strings.
  std::optional<std::vector<std::string>> stringList(const Node& node, std::string_view path);

 private:
  std::string file_;
  Diagnostics& diags_;
  std::vector<std::unique_ptr<Tree>> trees_;  // what load() and parse() read
};

/// "a.b" joined for error messages.
std::string keyPath(std::string_view parent, std::string_view key);

}  // namespace lodestar::yaml
