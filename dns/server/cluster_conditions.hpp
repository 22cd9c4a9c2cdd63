// The cluster's conditions an operator is paged for, told when they change: this node lost
// etcd (degraded: it serves the overrides it last knew), the nodes serve different files
// (config_mismatch), this node's probes disagree with the quorum's decision (isolated). Read
// once a second from the cluster's own summary (ClusterNode::summary()), so the events say
// what status says. Each change is one `cluster` hook event, within the condition's
// TellBudget; the log lines are the cluster node's own (it says each as it happens).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include <nlohmann/json.hpp>

#include "dns/server/tell_budget.hpp"
#include "health/hooks.hpp"

namespace lodestar::server {

class ClusterConditions {
 public:
  using Events = std::function<void(const health::HookEvent&)>;
  explicit ClusterConditions(Events events) : events_(std::move(events)) {}

  /// `summary`: ClusterNode::summary(). The first call only learns the conditions (a node
  /// that starts without etcd says so in its start-up lines already).
  void observe(const nlohmann::json& summary, int64_t now);

 private:
  struct Condition {
    bool on = false;    // as last observed
    bool told = false;  // as last told
    uint64_t changes = 0;
    TellBudget budget;
  };
  void tell(size_t which, const nlohmann::json& summary, int64_t now);

  Events events_;
  bool seen_ = false;
  std::array<Condition, 3> conditions_;  // degraded, config_mismatch, isolated
};

}  // namespace lodestar::server
