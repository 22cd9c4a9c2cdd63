// What the cluster tests read of a node through lodestarctl (its status and its fail-open
// count) and the one wait they start from, every node settled; one reading for every test, so
// a status a node did not answer is treated alike everywhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"
#include "tests/support/until.hpp"

namespace lodestar::test {

/// Node `i`'s `status --json EXTRA` result; an empty object when the node did not answer, so
/// a check that reads it with value() sees "not yet" and waits on.
inline nlohmann::json statusOf(ClusterFixture& c, int i, const std::string& extra = "") {
  auto j = nlohmann::json::parse(c.ctl(i, "status --json " + extra).output, nullptr, false);
  return j.is_discarded() || !j.contains("result") ? nlohmann::json::object() : j["result"];
}

/// A status that sees all three reports and every endpoint up.
inline bool allUpIn(const nlohmann::json& status) {
  for (const auto& r : status.value("regions", nlohmann::json::array()))
    for (const auto& e : r["endpoints"])
      if (e.value("health", "") != "up") return false;
  return status.value("cluster", nlohmann::json::object()).value("nodes_alive", 0) == 3;
}

/// Waits for `pred(i)` on each node in turn, each within `limit`.
inline bool everyNode(ClusterFixture& c, std::chrono::milliseconds limit, const std::function<bool(int)>& pred) {
  for (int i = 0; i < c.size(); ++i)
    if (!until([&] { return pred(i); }, limit)) return false;
  return true;
}

/// Every node sees all three reports and every endpoint up, each within `limit`: where a
/// cluster test starts from.
inline bool allNodesUp(ClusterFixture& c, std::chrono::milliseconds limit) {
  return everyNode(c, limit, [&](int i) { return allUpIn(statusOf(c, i)); });
}

/// How many answers node `i` served fail-open (its `stats --json`); -1 when it did not answer.
inline int64_t failOpenAnswers(ClusterFixture& c, int i) {
  auto j = nlohmann::json::parse(c.ctl(i, "stats --json").output, nullptr, false);
  return j.is_discarded() ? -1 : j["result"].value("fail_open", int64_t(-1));
}

}  // namespace lodestar::test
