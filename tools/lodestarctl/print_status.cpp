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
    for (const auto& c : r.at("clients")) clients += (clients.empty() ? "" : "; ") + c.get<std::string>();
    std::cout << "FAIL-OPEN: " << r.at("record").get<std::string>() << " has no usable region for " << clients
              << " since " << formatUtc(integer(r.at("since")))
              << " (each group answered anyway from the first region of its order with endpoints, whatever their health)\n";
  }
}

// A node's --local overrides, which stay when etcd is back: each node shows every node's.
void printNodeOverrides(const nlohmann::json& n) {
  if (!n.contains("local_overrides")) return;
  const auto& o = n.at("local_overrides");
  const std::string only = " on " + n.at("node").get<std::string>() + " only (--local) since ";
  if (o.contains("drained"))
    for (const auto& [region, d] : o.at("drained").items())
      std::cout << "    drained " << region << only << formatUtc(integer(d.at("since")))
                << (d.value("reason", std::string()).empty() ? "" : " (" + d.at("reason").get<std::string>() + ")") << "\n";
  if (o.contains("forced"))
    for (const auto& [target, f] : o.at("forced").items())
      std::cout << "    forced " << target << " " << f.at("state").get<std::string>() << only
                << formatUtc(integer(f.at("since"))) << "\n";
}

// One endpoint's combined decision and each node's view; while etcd is unreachable the other
// nodes' views are marked as last known, and past the grace period as not counted.
void printEndpointViews(const nlohmann::json& c) {
  std::cout << "      ";
  if (!c.contains("stale_since")) {
    std::cout << c.value("by", std::string()) << ": " << c.value("decision", std::string()) << ";";
    for (const auto& [node, view] : c.at("views").items()) std::cout << " " << node << " " << view.get<std::string>();
  } else {
    const std::string at = formatUtc(integer(c.at("stale_since"))), self = c.value("this_node", std::string());
    const bool counted = c.value("others_counted", true);
    if (counted) std::cout << "quorum of the views as last known at " << at << " (stale: etcd unreachable): ";
    else std::cout << "this node's probes (etcd unreachable since " << at << "): ";
    std::cout << c.value("decision", std::string()) << ";";
    if (c.at("views").contains(self)) std::cout << " " << self << " " << c.at("views").at(self).get<std::string>();
    std::string others;
    for (const auto& [node, view] : c.at("views").items())
      if (node != self) others += " " + node + " " + view.get<std::string>();
    if (!others.empty()) std::cout << (counted ? "" : "; not counted, as last known at " + at + ":") << others;
  }
  if (c.value("isolated", false)) std::cout << "  (this node alone sees it down: ISOLATED)";
  std::cout << "\n";
}

void printCluster(const nlohmann::json& c) {
  std::cout << "cluster: node " << c.value("node", std::string());
  std::string reporting;
  if (c.contains("nodes_expected")) {
    reporting = std::to_string(integer(c, "nodes_reporting")) + " of " + std::to_string(integer(c, "nodes_expected")) +
                " nodes reporting";
    std::string missing;
    for (const auto& m : c.value("nodes_missing", nlohmann::json::array()))
      missing += (missing.empty() ? "" : "; ") + m.value("why", m.value("node", std::string()));
    if (!missing.empty()) reporting += " (" + missing + ")";
  } else {
    reporting = std::to_string(integer(c, "nodes_alive")) + " node(s) reporting";
  }
  const bool degraded = c.contains("degraded_since");
  if (!degraded) std::cout << ", " << reporting;
  if (degraded) {
    std::cout << ", DEGRADED since " << formatUtc(integer(c.at("degraded_since"))) << " (etcd unreachable"
              << (c.contains("degraded_because") ? ": " + c.value("degraded_because", std::string()) : std::string()) << "; "
              << (c.value("own_probes_only", false) ? "this node's own probes decide" : "last known state kept")
              << "; drains need --local)";
    // What it answers with: the overrides it last knew, or (started during the outage) its copy.
    if (c.contains("overrides_saved")) {
      const auto& saved = c.at("overrides_saved");
      const int64_t revision = integer(saved, "revision");
      std::cout << ", overrides as last saved at "
                << (revision ? "revision " + std::to_string(revision) : std::string("an unrecorded revision")) << " ("
                << saved.value("file", std::string()) << ", saved at " << formatUtc(integer(saved, "saved")) << ")";
    } else if (c.value("ever_reached", true)) {
      const int64_t revision = integer(c, "admin_revision");
      if (revision) std::cout << ", overrides as last known at revision " << revision;
      else std::cout << ", no cluster-wide overrides as last known";
    } else {
      std::cout << ", no saved overrides";
    }
  } else {
    std::cout << ", etcd reachable, overrides at revision " << integer(c, "admin_revision");
  }
  const auto watch = c.value("watch", nlohmann::json::object());
  if (integer(watch, "lag") > 0)
    std::cout << ", BEHIND: the cluster's overrides are at revision " << integer(watch, "cluster_revision")
              << " (" << integer(watch.at("lag")) << " revision(s) later)";
  std::cout << "\n";
  // Nodes serving different files: changes are refused until they agree, so it comes first.
  if (c.contains("config_mismatch")) std::cout << "  WARNING: " << c.at("config_mismatch").get<std::string>() << "\n";
  // What status shows of the other nodes is what etcd said last: marked so, on the next line.
  if (degraded) {
    const std::string at = formatUtc(integer(c.at("degraded_since")));
    if (c.value("ever_reached", true))
      std::cout << "  STALE: the other nodes' reports and views below are as last known at " << at << ", when etcd was last "
                << "reached (" << reporting << " then); "
                << (c.value("own_probes_only", false) ? "past cluster.grace, this node's own probes decide"
                                                      : "their quorum decides until cluster.grace has passed")
                << "\n";
    else
      std::cout << "  STALE: no other node's report is known: etcd not reached since this node started at " << at
                << "; this node's own probes decide\n";
  }
  if (watch.contains("member"))
    std::cout << "  watch through " << (watch.value("member", std::string()).empty() ? std::string("(no member now)")
                                                                                    : watch.at("member").get<std::string>())
              << ", delivered up to revision " << integer(watch, "delivered_revision") << "\n";
  if (watch.contains("last_move"))
    std::cout << "  watch moved at " << formatUtc(integer(watch, "last_move_at")) << ": "
              << watch.at("last_move").get<std::string>() << "\n";
  if (c.contains("nodes_not_listed")) {
    std::cout << "  reporting but not in cluster.nodes:";
    for (const auto& n : c.at("nodes_not_listed")) std::cout << " " << n.get<std::string>();
    std::cout << "\n";
  }
  if (c.value("isolated", false)) {
    std::cout << "  ISOLATED: this node sees endpoints down that most nodes see up (it does not withdraw them):";
    for (const auto& e : c.at("isolated_endpoints")) std::cout << " " << e.get<std::string>();
    std::cout << "\n";
  }
  if (c.contains("nodes"))
    for (const auto& n : c.at("nodes")) {
      std::cout << "  node " << n.at("node").get<std::string>() << (n.value("this_node", false) ? " (this one)" : "")
                << (n.contains("stale_since") ? ": as last known at " + formatUtc(integer(n.at("stale_since")))
                                              : std::string(": alive"))
                << ", last heartbeat " << formatUtc(integer(n.at("last_seen"))) << ", applied revision "
                << integer(n, "applied_revision") << ", lodestar "
                << n.value("software", std::string()) << ", config " << n.value("config_hash", std::string()).substr(0, 12)
                << ", " << integer(n, "endpoints_down") << " of " << integer(n, "endpoints") << " endpoints down\n";
      printNodeOverrides(n);
    }
}

// One line: the DNS cookie secret's age, its next rotation, and where it is kept.
void printCookies(const nlohmann::json& c) {
  const std::string kept = c.value("kept", std::string());
  std::cout << "cookies: secret made " << formatUtc(integer(c, "made"));
  const int64_t rotates = integer(c, "rotates");
  std::cout << (rotates ? ", rotates " + formatUtc(rotates) : std::string(", never rotated here"));
  if (kept == "cluster") std::cout << " (the cluster's secret, through etcd)";
  if (c.value("previous_accepted", false)) std::cout << ", the previous one still accepted";
  if (kept == "memory") std::cout << "; kept in memory only: restarts and other nodes do not share it";
  else std::cout << "; this node's copy in " << c.value("file", std::string());
  if (c.value("require", false)) std::cout << "; required over UDP";
  std::cout << "\n";
}

}  // namespace

void printStatus(const nlohmann::json& result, bool clusterAsked) {
  if (result.contains("fail_open")) printFailOpen(result.at("fail_open"));
  if (result.contains("xdp")) printXdpLine(result.at("xdp"));
  if (result.contains("dnssec")) printSignedZones(result.at("dnssec"));
  if (clusterAsked && !result.contains("cluster"))
    std::cout << "cluster: none — this node runs alone (no 'cluster:' in its configuration; docs/cluster.md)\n";
  if (result.contains("cluster")) printCluster(result.at("cluster"));
  if (result.contains("dropped_overrides")) {
    std::cout << "WARNING: overrides dropped from a damaged state file at start:\n";
    for (const auto& d : result.at("dropped_overrides")) std::cout << "  " << d.get<std::string>() << "\n";
  }
  for (const auto& r : result.at("regions")) {
    std::cout << r.at("region").get<std::string>();
    if (r.value("drained", false)) {
      std::cout << "  DRAINED";
      if (r.contains("drain") && !r.at("drain").value("reason", std::string()).empty())
        std::cout << " (" << r.at("drain").at("reason").get<std::string>() << ")";
      if (r.contains("drain") && r.at("drain").value("local", false)) std::cout << " [this node only]";
    }
    std::cout << "\n";
    if (r.contains("windows"))
      for (const auto& w : r.at("windows"))
        std::cout << "  maintenance window " << formatUtc(integer(w.at("start"))) << " to "
                  << formatUtc(integer(w.at("end"))) << " (" << w.value("state", std::string())
                  << (w.contains("held_because") ? ": " + w.value("held_because", std::string()) : "") << ")"
                  << (w.value("reason", std::string()).empty() ? "" : " " + w.value("reason", std::string())) << "\n";
    for (const auto& p : r.at("pools")) {
      std::cout << "  pool " << p.at("pool").get<std::string>() << " (" << integer(p.at("zones")) << " zone(s))";
      if (p.contains("availability")) {
        const auto& a = p.at("availability");
        char pct[256];
        std::snprintf(pct, sizeof pct, ": availability %.3f%% last hour, %.3f%% last day", a.at("last_hour").get<double>(),
                      a.at("last_day").get<double>());
        std::cout << pct;
        // The time it did not serve, split: drained on purpose, or down.
        if (a.contains("planned") && a.contains("unplanned")) {
          std::snprintf(pct, sizeof pct, "; drained (planned) %.3f%% / %.3f%%, down (unplanned) %.3f%% / %.3f%%",
                        a.at("planned").at("last_hour").get<double>(), a.at("planned").at("last_day").get<double>(),
                        a.at("unplanned").at("last_hour").get<double>(), a.at("unplanned").at("last_day").get<double>());
          std::cout << pct;
        }
      }
      std::cout << "\n";
    }
    // An address listed twice in a region (two pools, one forced) names its pools.
    std::map<std::string, int> listed;
    for (const auto& e : r.at("endpoints")) ++listed[e.value("address", e.value("cname", std::string()))];
    for (const auto& e : r.at("endpoints")) {
      std::cout << "    " << (e.contains("cname") ? "cname " + e.at("cname").get<std::string>() : e.at("address").get<std::string>());
      if (listed[e.value("address", e.value("cname", std::string()))] > 1 && e.contains("pools")) {
        std::string pools;
        for (const auto& p : e.at("pools")) pools += (pools.empty() ? "" : ", ") + p.get<std::string>();
        std::cout << " (pool " << pools << ")";
      }
      std::cout << "  " << e.at("health").get<std::string>();
      if (e.at("admin") != "auto") {
        std::cout << " [" << e.at("admin").get<std::string>() << " by " << e.value("forced_by", std::string());
        if (!e.value("force_reason", std::string()).empty()) std::cout << ": " << e.at("force_reason").get<std::string>();
        std::cout << "]";
      }
      if (e.value("serving", false)) std::cout << "  serving";
      else std::cout << "  NOT serving (" << e.value("not_serving_because", std::string()) << ")";
      std::cout << "  " << e.value("why", std::string());
      if (e.contains("since")) std::cout << "  since " << formatUtc(integer(e.at("since")));
      if (e.contains("damped_until")) std::cout << "  FLAPPING: held down until " << formatUtc(integer(e.at("damped_until")));
      if (integer(e, "zones", 1) > 1) std::cout << "  in " << integer(e.at("zones")) << " zones";
      std::cout << "\n";
      if (e.contains("cluster")) printEndpointViews(e.at("cluster"));
      if (e.contains("used_by"))
        for (const auto& u : e.at("used_by")) std::cout << "      used by " << u.get<std::string>() << "\n";
      if (e.contains("records"))
        for (const auto& u : e.at("records")) std::cout << "      record " << u.get<std::string>() << "\n";
    }
  }
  // Last: the first lines stay the ones a person (and a script) reads for trouble.
  if (result.contains("cookies")) printCookies(result.at("cookies"));
}

}  // namespace lodestarctl
