// The history entry's reader and writer.
#include "dns/control/history_entry.hpp"

#include "dns/control/json_fields.hpp"

namespace lodestar::control {

nlohmann::json HistoryEntry::toJson() const {
  nlohmann::json j = {{"time", time},     {"uid", uid},       {"command", command}, {"target", target},
                      {"state", state},   {"reason", reason}, {"result", result}};
  if (!scope.empty()) j["scope"] = scope;
  if (!node.empty()) j["node"] = node;
  if (!summary.empty()) j["summary"] = summary;
  if (revision) j["revision"] = revision;
  return j;
}

std::optional<HistoryEntry> readHistoryEntry(const nlohmann::json& j, std::string& error) {
  HistoryEntry e;
  JsonFields f(j);
  f.integer("time", e.time)
      .unsigned32("uid", e.uid)
      .text("command", e.command, true)
      .text("target", e.target)
      .text("state", e.state)
      .text("reason", e.reason)
      .text("result", e.result)
      .text("scope", e.scope)
      .text("node", e.node)
      .text("summary", e.summary)
      .integer("revision", e.revision);
  if (!f.ok()) {
    error = f.error();
    return std::nullopt;
  }
  return e;
}

std::optional<HistoryEntry> parseHistoryEntry(std::string_view text, std::string& error) {
  auto j = parseObject(text, error);
  return j ? readHistoryEntry(*j, error) : std::nullopt;
}

}  // namespace lodestar::control
