// lodestarctl status: the cluster, then each region's pools and endpoints.
#include <cstdio>
#include <iostream>
#include <map>

#include "dns/wire/utc_time.hpp"
#include "tools/lodestarctl/printers.hpp"

namespace lodestarctl {

namespace {

using lodestar::wire::formatUtc;

// Records whose clients get a fail-open answer: first, since nothing else matters as much.
void printFailOpen(const nlohmann::json& records) {
  for (const auto& r : records) {
    std::string clients;
    for (const auto& c : r["clients"]) clients += (clients.empty() ? "" : "; ") + c.get<std::string>();
    std::cout << "FAIL-OPEN: " << r["record"].get<std::string>() << " has no usable region for " << clients
              << " since " << formatUtc(r["since"].get<int64_t>()) << " (answered from every region)\n";
  }
}

// A node's --local overrides, which stay when etcd is back: each node shows every node's.
void printNodeOverrides(const nlohmann::json& n) {
  if (!n.contains("local_overrides")) return;
  const auto& o = n["local_overrides"];
  const std::string only = " on " + n["node"].get<std::string>() + " only (--local) since ";
  if (o.contains("drained"))
    for (const auto& [region, d] : o["drained"].items())
      std::cout << "    drained " << region << only << formatUtc(d["since"].get<int64_t>())
                << (d.value("reason", std::string()).empty() ? "" : " (" + d["reason"].get<std::string>() + ")") << "\n";
  if (o.contains("forced"))
    for (const auto& [target, f] : o["forced"].items())
      std::cout << "    forced " << target << " " << f["state"].get<std::string>() << only
                << formatUtc(f["since"].get<int64_t>()) << "\n";
}

void printCluster(const nlohmann::json& c) {
  std::cout << "cluster: node " << c.value("node", std::string()) << ", " << c.value("nodes_alive", 0) << " node(s) reporting";
  if (c.contains("degraded_since"))
    std::cout << ", DEGRADED since " << formatUtc(c["degraded_since"].get<int64_t>()) << " (etcd unreachable; "
              << (c.value("own_probes_only", false) ? "this node's own probes decide" : "last known state kept")
              << "; drains need --local)";
  else std::cout << ", etcd reachable, overrides at revision " << c.value("admin_revision", int64_t(0));
  std::cout << "\n";
  if (c.value("isolated", false)) {
    std::cout << "  ISOLATED: this node sees endpoints down that most nodes see up (it does not withdraw them):";
    for (const auto& e : c["isolated_endpoints"]) std::cout << " " << e.get<std::string>();
    std::cout << "\n";
  }
  if (c.contains("config_mismatch")) std::cout << "  WARNING: " << c["config_mismatch"].get<std::string>() << "\n";
  if (c.contains("nodes"))
    for (const auto& n : c["nodes"]) {
      std::cout << "  node " << n["node"].get<std::string>() << (n.value("this_node", false) ? " (this one)" : "")
                << ": alive, last report " << formatUtc(n["last_seen"].get<int64_t>()) << ", lodestar "
                << n.value("software", std::string()) << ", config " << n.value("config_hash", std::string()).substr(0, 12)
                << ", " << n.value("endpoints_down", 0) << " of " << n.value("endpoints", 0) << " endpoints down\n";
      printNodeOverrides(n);
    }
}

}  // namespace

void printStatus(const nlohmann::json& result, bool clusterAsked) {
  if (result.contains("fail_open")) printFailOpen(result["fail_open"]);
  if (clusterAsked && !result.contains("cluster"))
    std::cout << "cluster: none — this node runs alone (no 'cluster:' in its configuration; docs/cluster.md)\n";
  if (result.contains("cluster")) printCluster(result["cluster"]);
  if (result.contains("dropped_overrides")) {
    std::cout << "WARNING: overrides dropped from a damaged state file at start:\n";
    for (const auto& d : result["dropped_overrides"]) std::cout << "  " << d.get<std::string>() << "\n";
  }
  for (const auto& r : result["regions"]) {
    std::cout << r["region"].get<std::string>();
    if (r.value("drained", false)) {
      std::cout << "  DRAINED";
      if (r.contains("drain") && !r["drain"].value("reason", std::string()).empty())
        std::cout << " (" << r["drain"]["reason"].get<std::string>() << ")";
      if (r.contains("drain") && r["drain"].value("local", false)) std::cout << " [this node only]";
    }
    std::cout << "\n";
    if (r.contains("windows"))
      for (const auto& w : r["windows"])
        std::cout << "  maintenance window " << formatUtc(w["start"].get<int64_t>()) << " to "
                  << formatUtc(w["end"].get<int64_t>()) << " (" << w.value("state", std::string())
                  << (w.contains("held_because") ? ": " + w.value("held_because", std::string()) : "") << ")"
                  << (w.value("reason", std::string()).empty() ? "" : " " + w.value("reason", std::string())) << "\n";
    for (const auto& p : r["pools"]) {
      std::cout << "  pool " << p["pool"].get<std::string>() << " (" << p["zones"].get<size_t>() << " zone(s))";
      if (p.contains("availability")) {
        char pct[96];
        std::snprintf(pct, sizeof pct, ": availability %.3f%% last hour, %.3f%% last day",
                      p["availability"]["last_hour"].get<double>(), p["availability"]["last_day"].get<double>());
        std::cout << pct;
      }
      std::cout << "\n";
    }
    // An address listed twice in a region (two pools, one forced) names its pools.
    std::map<std::string, int> listed;
    for (const auto& e : r["endpoints"]) ++listed[e.value("address", e.value("cname", std::string()))];
    for (const auto& e : r["endpoints"]) {
      std::cout << "    " << (e.contains("cname") ? "cname " + e["cname"].get<std::string>() : e["address"].get<std::string>());
      if (listed[e.value("address", e.value("cname", std::string()))] > 1 && e.contains("pools")) {
        std::string pools;
        for (const auto& p : e["pools"]) pools += (pools.empty() ? "" : ", ") + p.get<std::string>();
        std::cout << " (pool " << pools << ")";
      }
      std::cout << "  " << e["health"].get<std::string>();
      if (e["admin"] != "auto") {
        std::cout << " [" << e["admin"].get<std::string>() << " by " << e.value("forced_by", std::string());
        if (!e.value("force_reason", std::string()).empty()) std::cout << ": " << e["force_reason"].get<std::string>();
        std::cout << "]";
      }
      if (e.value("serving", false)) std::cout << "  serving";
      else std::cout << "  NOT serving (" << e.value("not_serving_because", std::string()) << ")";
      std::cout << "  " << e.value("why", std::string());
      if (e.contains("since")) std::cout << "  since " << formatUtc(e["since"].get<int64_t>());
      if (e.contains("damped_until")) std::cout << "  FLAPPING: held down until " << formatUtc(e["damped_until"].get<int64_t>());
      if (e.value("zones", 1) > 1) std::cout << "  in " << e["zones"].get<size_t>() << " zones";
      std::cout << "\n";
      if (e.contains("cluster")) {
        const auto& c = e["cluster"];
        std::cout << "      " << c.value("by", std::string()) << ": " << c.value("decision", std::string()) << ";";
        for (const auto& [node, view] : c["views"].items()) std::cout << " " << node << " " << view.get<std::string>();
        if (c.value("isolated", false)) std::cout << "  (this node alone sees it down: ISOLATED)";
        std::cout << "\n";
      }
      if (e.contains("used_by"))
        for (const auto& u : e["used_by"]) std::cout << "      used by " << u.get<std::string>() << "\n";
      if (e.contains("records"))
        for (const auto& u : e["records"]) std::cout << "      record " << u.get<std::string>() << "\n";
    }
  }
}

}  // namespace lodestarctl
