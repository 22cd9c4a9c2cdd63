// One admin action as the history keeps it (state_dir/audit.log lines, etcd P/history/*
// values, and the entries of `lodestarctl history`): read by type, written back the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace lodestar::control {

struct HistoryEntry {
  int64_t time = 0;  // unix time
  uint32_t uid = 0;
  std::string command;  // drain, undrain, force (required)
  std::string target, state, reason;
  std::string result;   // "ok", or why it was refused
  std::string scope;    // cluster: "cluster" or "local"
  std::string node;     // cluster: the node that made the change
  std::string summary;  // cluster: what the change did
  int64_t revision = 0;  // the etcd revision that holds it (0: none)

  nlohmann::json toJson() const;
};

/// Every field checked by type (unknown ones ignored); nullopt with `error` when the entry
/// is not an object, has no command, or holds a field of the wrong type.
std::optional<HistoryEntry> readHistoryEntry(const nlohmann::json& j, std::string& error);
std::optional<HistoryEntry> parseHistoryEntry(std::string_view text, std::string& error);

}  // namespace lodestar::control
