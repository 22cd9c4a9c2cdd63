// One node's report in the cluster (etcd P/nodes/<node>, under the node's lease): who it is,
// what it serves, and what its own probes see of every shared endpoint. Read by type: a
// report with a field of the wrong type is refused whole, and only that report.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "health/state/health_cell.hpp"

namespace lodestar::server {

/// The report's format. 2: endpoints keyed by the check's identity (endpointKey), an
/// instance id; `applied` (added without a new version: older readers ignore it, and a report
/// without it reads as 0). A report of a newer version is not read.
inline constexpr int kNodeReportVersion = 2;

/// What one node's probes see of one endpoint.
struct EndpointSighting {
  health::Observed state = health::Observed::Up;
  int64_t since = 0;  // unix time of the last change
  std::string reason;
};

/// The overrides a node holds with --local, which stay after etcd is back: in its report so
/// every node's `status --cluster` shows them. "local_overrides": {"drained": {REGION: {since,
/// reason}}, "forced": {TARGET: {state: up|down, since, reason}}}, absent when there are none.
struct LocalOverrides {
  struct Entry {
    std::string state;  // forced: "up" or "down"; drained: ""
    int64_t since = 0;
    std::string reason;
    bool operator==(const Entry&) const = default;
  };
  std::map<std::string, Entry> drained, forced;
  bool empty() const noexcept { return drained.empty() && forced.empty(); }
  bool operator==(const LocalOverrides&) const = default;
};

struct NodeReport {
  int64_t version = kNodeReportVersion;
  std::string node;
  std::string instance;  // this run of the node (random at start): two processes with one name differ
  std::string software, configHash;
  int64_t started = 0;
  int64_t seen = 0;     // unix time of this report: rewritten every heartbeat (the lease period)
  int64_t applied = 0;  // the revision of P/admin whose overrides this node applies (0: none yet)
  std::map<std::string, EndpointSighting> endpoints;  // by endpointKey()
  LocalOverrides localOverrides;                      // this node's --local ones

  std::string text() const;
};

/// The same object as in the report, for status --cluster.
nlohmann::json localOverridesJson(const LocalOverrides& o);

/// The report in `text`, held at P/nodes/`keyNode`. nullopt with `error` when it is not a
/// report, a newer version, names another node than its key, or has a field of the wrong
/// type (the error names it); unknown fields are ignored. `newer` is set for a newer version.
std::optional<NodeReport> parseNodeReport(std::string_view text, const std::string& keyNode, std::string& error,
                                          bool* newer = nullptr);

}  // namespace lodestar::server
