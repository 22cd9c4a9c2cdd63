// lodestarctl: the operator's tool; talks to the daemon's control socket.
#include <CLI/CLI.hpp>

#include <ctime>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "dns/config/server_config.hpp"
#include "dns/control/client.hpp"
#include "dns/wire/duration.hpp"
#include "dns/wire/utc_time.hpp"
#include "dns/wire/rr_type.hpp"
#include "lodestar/version.hpp"
#include "zones/ldns.hpp"

namespace {

// Exit codes: 0 done, 1 the daemon refused or reported errors, 2 usage, 3 daemon unreachable.
constexpr int kFailed = 1, kUsage = 2, kUnreachable = 3;

std::string socketFrom(const std::string& config, const std::string& socket) {
  if (!socket.empty()) return socket;
  lodestar::zones::Diagnostics diags;
  auto c = lodestar::config::loadServerConfig(config, diags);
  if (!c) {
    std::cerr << diags.report() << "lodestarctl: cannot find the control socket: " << config
              << " has the errors above (fix them, or give the socket with -s PATH)\n";
    return {};
  }
  if (c->controlSocket.empty()) std::cerr << config << ": no control_socket is configured\n";
  return c->controlSocket;
}

using lodestar::wire::formatUtc;

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
    for (const auto& n : c["nodes"])
      std::cout << "  node " << n["node"].get<std::string>() << (n.value("this_node", false) ? " (this one)" : "")
                << ": alive, last report " << formatUtc(n["last_seen"].get<int64_t>()) << ", lodestar "
                << n.value("software", std::string()) << ", config " << n.value("config_hash", std::string()).substr(0, 12)
                << ", " << n.value("endpoints_down", 0) << " of " << n.value("endpoints", 0) << " endpoints down\n";
}

void printStatus(const nlohmann::json& result) {
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
                  << formatUtc(w["end"].get<int64_t>()) << " (" << w.value("state", std::string()) << ")"
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

// The answer bytes, decoded by ldns (an independent parser), with the steering laid out.
void printExplain(const nlohmann::json& result) {
  if (result.contains("note")) std::cout << result["note"].get<std::string>() << "\n";
  if (!result["steering"].is_null()) {
    const auto& s = result["steering"];
    std::cout << s["record"].get<std::string>() << " is steered by " << s["policy"].get<std::string>() << " over pool "
              << s["pool"].get<std::string>() << "\n";
    std::cout << "  located by   " << s["located_by"].get<std::string>() << "\n";
    if (s.contains("geo")) {
      std::cout << "  geo facts    ";
      if (s["geo"].is_string()) std::cout << s["geo"].get<std::string>();
      else {
        const auto& g = s["geo"];
        std::cout << "continent " << g.value("continent", std::string("-")) << ", country " << g.value("country", std::string("-"))
                  << ", subdivision " << g.value("subdivision", std::string("-"));
        if (g.contains("location")) std::cout << ", location " << g["location"][0].get<double>() << "," << g["location"][1].get<double>();
        if (s.contains("geo_network_length")) std::cout << " (database network /" << s["geo_network_length"].get<int>() << ")";
      }
      std::cout << "\n";
    }
    if (s.contains("map_key")) std::cout << "  map key      " << s["map_key"].get<std::string>() << "\n";
    std::cout << "  region order";
    for (const auto& r : s["order"]) {
      std::cout << "  " << r["region"].get<std::string>();
      if (r.value("drained", false)) std::cout << " [drained]";
      if (r.contains("up")) std::cout << " (up " << r["up"]["ipv4"].get<std::string>() << " IPv4, " << r["up"]["ipv6"].get<std::string>() << " IPv6)";
      if (r.contains("cname")) std::cout << " (cname " << r["cname"]["target"].get<std::string>() << (r["cname"]["up"].get<bool>() ? ", up)" : ", down)");
    }
    std::cout << "\n";
    if (s.contains("chosen")) {
      std::string chosen;
      for (const auto& r : s["chosen"]) chosen += (chosen.empty() ? "" : ", ") + r.get<std::string>();
      std::cout << "  answered by  " << (chosen.empty() ? "(no region has endpoints of this family)" : chosen) << "\n";
    }
    std::cout << "  min_healthy  " << s["min_healthy"].get<int>() << "\n  ECS scope    /" << s["ecs_scope"].get<int>() << "\n";
    if (s.value("fail_open", false))
      std::cout << "  FAIL OPEN    no region of the order is usable: the answer lists endpoints whatever their "
                   "health (all_down: fail_open)\n";
  }
  std::string hex = result["answer"].get<std::string>();
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, bytes.data(), bytes.size()) != LDNS_STATUS_OK) {
    std::cout << "  (no answer)\n";
    return;
  }
  char* text = ldns_pkt2str(pkt);
  std::cout << "the answer, exactly as the daemon gives it:\n";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(";; Query time", 0) != 0 && line.rfind(";; WHEN", 0) != 0 && line.rfind(";; SERVER", 0) != 0)
      std::cout << line << "\n";
  free(text);
  ldns_pkt_free(pkt);
}

void printStats(const nlohmann::json& s) {
  std::cout << "queries      " << s.value("queries", 0) << "  (with ECS " << s.value("with_ecs", 0) << ")\n"
            << "dropped      " << s.value("dropped", 0) << "  (no answer: not a query, or malformed)\n"
            << "truncated    " << s.value("truncated", 0) << "  (TC=1: too big for the client's UDP size)\n"
            << "fail open    " << s.value("fail_open", 0) << "  (no usable region: endpoints served whatever their health)\n"
            << "reloads      " << s.value("reloads", 0) << " applied, " << s.value("failed_reloads", 0) << " failed\n"
            << "health       " << s.value("health_changes", 0) << " state changes\n";
  for (const char* key : {"by_rcode", "by_qtype", "answers_by_region"}) {
    if (!s.contains(key) || s[key].empty()) continue;
    std::cout << (std::string(key) == "by_rcode" ? "rcodes      " : std::string(key) == "by_qtype" ? "types       " : "regions     ");
    for (const auto& [k, v] : s[key].items()) std::cout << " " << k << " " << v.get<uint64_t>();
    std::cout << "\n";
  }
  if (s.contains("xdp")) {
    const auto& x = s["xdp"];
    std::cout << "xdp          " << x.value("interface", std::string()) << " (" << x.value("mode", std::string()) << "): ";
    if (!x.value("on", false)) {
      std::cout << "OFF, the sockets answer every query: " << x.value("error", std::string()) << "\n";
      return;
    }
    std::cout << "on\n";
    for (const auto& q : x["queues"])
      std::cout << "  queue " << q.value("queue", 0) << "    " << q.value("received", 0) << " frames in, "
                << q.value("answered", 0) << " answered, " << q.value("malformed", 0) << " malformed, "
                << q.value("transmit_full", 0) << " lost to a full transmit ring"
                << (q.value("zero_copy", false) ? " (zero-copy)" : " (copy mode)") << "\n";
  }
}

void printHistory(const nlohmann::json& result) {
  if (result["history"].empty()) std::cout << "no admin actions recorded\n";
  for (const auto& h : result["history"]) {
    std::cout << formatUtc(h.value("time", int64_t(0))) << "  " << h.value("command", std::string()) << " "
              << h.value("target", std::string());
    if (!h.value("state", std::string()).empty()) std::cout << " " << h["state"].get<std::string>();
    if (h.contains("node")) std::cout << "  on " << h["node"].get<std::string>();
    std::cout << "  by uid " << h.value("uid", 0);
    if (!h.value("reason", std::string()).empty()) std::cout << "  \"" << h["reason"].get<std::string>() << "\"";
    if (!h.value("result", std::string()).empty()) std::cout << "  " << h["result"].get<std::string>();
    if (h.contains("revision")) std::cout << "  revision " << h["revision"].get<int64_t>();
    std::cout << "\n";
  }
}

int print(const std::string& command, const nlohmann::json& response, bool json, bool clusterAsked) {
  bool ok = response.value("ok", false);
  // The cluster's etcd is unreachable: the same exit code as an unreachable daemon.
  const int failed = response.value("code", std::string()) == "cluster_unreachable" ? kUnreachable : kFailed;
  if (json) {
    std::cout << response.dump(2) << "\n";
    return ok ? 0 : failed;
  }
  if (!ok) {
    std::cerr << "lodestarctl: " << response.value("error", std::string("failed")) << "\n";
    if (response.contains("errors"))
      for (const auto& e : response["errors"]) std::cerr << e.get<std::string>() << "\n";
    return failed;
  }
  const auto& result = response["result"];
  if (command == "status") {
    if (clusterAsked && !result.contains("cluster"))
      std::cout << "cluster: none — this node runs alone (no 'cluster:' in its configuration; docs/cluster.md)\n";
    printStatus(result);
  } else if (command == "explain") {
    printExplain(result);
  } else if (command == "stats") {
    printStats(result);
  } else if (command == "history") {
    printHistory(result);
  } else if (result.contains("summary")) {
    std::cout << result["summary"].get<std::string>();
  } else if (result.value("dry_run", false)) {
    std::cout << "dry run: nothing changed; computed by the answer path's own region choice\n";
    if (result["moves"].empty()) std::cout << "  no client would get a different region\n";
    for (const auto& m : result["moves"]) {
      auto list = [](const nlohmann::json& regions) {
        std::string text;
        for (const auto& r : regions) text += (text.empty() ? "" : ", ") + r.get<std::string>();
        return text.empty() ? std::string("(none)") : text;
      };
      std::cout << "  " << m["record"].get<std::string>() << " (" << m["policy"].get<std::string>() << "), "
                << m["clients"].get<std::string>() << ": " << list(m["from"]) << " -> " << list(m["to"]);
      if (m.value("fail_open", false)) std::cout << "  [FAIL OPEN: no usable region left]";
      if (m.value("spill", false)) std::cout << "  [spread over the next regions by client network]";
      std::cout << "\n";
    }
    for (const auto& r : result["left_without_region"])
      std::cout << "  would leave " << r.get<std::string>() << " without a usable region (refused without --force)\n";
    std::cout << "to apply it, run the same command without --dry-run\n";
  } else if (result.contains("window")) {
    std::cout << command << " " << result["target"].get<std::string>() << ": scheduled from "
              << formatUtc(result["window"]["start"].get<int64_t>()) << " to "
              << formatUtc(result["window"]["end"].get<int64_t>()) << "\n";
  } else if (result.contains("target") && !result.value("changed", true)) {
    std::cout << command << " " << result["target"].get<std::string>() << ": nothing to do ("
              << (command == "undrain" ? "it was not drained" : command == "drain" ? "it was drained already"
                                                                                   : "that was its state already")
              << ")\n";
  } else if (result.contains("target")) {
    std::cout << command << " " << result["target"].get<std::string>() << ": done";
    if (result.contains("revision")) std::cout << " on every node (etcd revision " << result["revision"].get<int64_t>() << ")";
    if (result.value("local", false)) std::cout << " on this node only (--local)";
    std::cout << "\n";
  } else {
    std::cout << result.dump() << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lodestarctl: control a running lodestar (exit 0 ok, 1 failed, 2 usage, 3 daemon or its cluster "
               "unreachable)"};
  std::string config = "/etc/lodestar/lodestar.yaml", socket, target, reason;
  bool json = false, force = false, dryRun = false, local = false;
  app.add_option("-c,--config", config, "the daemon's configuration, to find its control socket (default " + config + ")");
  app.add_option("-s,--socket", socket, "the control socket, instead of reading it from the configuration");
  app.add_flag("--json", json, "print the daemon's JSON response");
  app.set_version_flag("-V,--version", std::string("lodestarctl ") + lodestar::kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // --json, -c and -s also after the command (`lodestarctl status --json`)
  auto* reload = app.add_subcommand("reload", "load the files on disk and apply them if they have no error");
  reload->add_flag("--force", force, "apply even when the files drop every zone, or more than half of them");
  auto* check = app.add_subcommand("check", "validate the files on disk without applying them");
  auto* ping = app.add_subcommand("ping", "is the daemon answering?");
  auto* status = app.add_subcommand("status", "regions, pools and endpoints with health and overrides");
  bool detail = false, clusterNodes = false;
  status->add_flag("--detail", detail, "also list the zones and records that use each endpoint");
  status->add_flag("--cluster", clusterNodes, "also list the cluster's nodes (alive, last report, version, config)");
  int64_t limit = 20;
  auto* historyCmd = app.add_subcommand("history", "recent admin actions: the cluster's (who, where, when, why, revision), "
                                                   "or this node's audit log when it runs alone");
  historyCmd->add_option("-n,--limit", limit, "how many, newest first (default 20)");
  auto* drain = app.add_subcommand("drain", "stop sending clients to REGION (every record, every zone)");
  drain->add_option("region", target, "region name")->required();
  drain->add_option("--reason", reason, "why, for the audit log and status");
  drain->add_flag("--force", force, "even if some record's clients are left without a usable region (they fail open)");
  drain->add_flag("--dry-run", dryRun, "show which clients would move where; change nothing");
  drain->add_flag("--local", local, "in a cluster: this node only (also when etcd is unreachable); see docs/cluster.md");
  std::string at, during;
  drain->add_option("--at", at, "start a maintenance window then: now, +10m, or 2026-11-26T02:00:00Z (needs --for)");
  drain->add_option("--for", during, "the window's length: 90s, 30m, 2h (needs --at)");
  auto* undrain = app.add_subcommand("undrain", "send clients to REGION again");
  undrain->add_option("region", target, "region name")->required();
  undrain->add_flag("--local", local, "in a cluster: end a drain made with --local on this node");
  std::string client, ecs, type = "A";
  auto* explainCmd = app.add_subcommand("explain", "why a client gets its answer: geo facts, map key, regions, answer");
  explainCmd->add_option("name", target, "the name asked for")->required();
  // The type as the daemon's RR type table writes it: "aaaa" is AAAA, "TYPE65280" stays.
  const CLI::Validator rrType(
      [](std::string& text) -> std::string {
        const auto number = lodestar::wire::rrTypeFromName(text);
        if (!number) return "unknown type '" + text + "' (a mnemonic such as AAAA, or TYPE12345)";
        text = lodestar::wire::rrTypeName(*number);
        return {};
      },
      "TYPE");
  explainCmd->add_option("type", type, "the query type (default A)")->transform(rrType);
  explainCmd->add_option("--client", client, "the client's address (the packet source)")->required();
  explainCmd->add_option("--ecs", ecs, "the EDNS Client Subnet its resolver sends, e.g. 198.51.100.0/24");
  auto* statsCmd = app.add_subcommand("stats", "query counters by rcode and type, answers per region, reloads");
  std::map<std::string, CLI::App*> forces;
  for (const char* name : {"force-down", "force-up", "auto"}) {
    auto* sub = app.add_subcommand(name, std::string(name) + " TARGET: a region, REGION/POOL or an endpoint address");
    sub->add_option("target", target, "region, REGION/POOL or address")->required();
    sub->add_option("--reason", reason, "why, for the audit log");
    sub->add_flag("--force", force, "even if some record's clients are left without a usable region (they fail open)");
    sub->add_flag("--dry-run", dryRun, "show which clients would move where; change nothing");
    sub->add_flag("--local", local, "in a cluster: this node only");
    forces[name] = sub;
  }
  // CLI11 reports a mistyped command as "A subcommand is required": name it instead.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-c" || a == "--config" || a == "-s" || a == "--socket") {
      ++i;
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    bool known = false;
    std::string names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == a;
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "lodestarctl: unknown command '" << a << "' (known: " << names << ")\n";
      return kUsage;
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsage;
  }
  std::string path = socketFrom(config, socket);
  if (path.empty()) return kUsage;

  std::string command;
  nlohmann::json args = nlohmann::json::object();
  if (reload->parsed()) {
    command = "reload";
    args = {{"force", force}};
  }
  else if (check->parsed()) command = "check";
  else if (ping->parsed()) command = "ping";
  else if (status->parsed()) {
    command = "status";
    args = {{"detail", detail}, {"cluster", clusterNodes}};
  }
  else if (historyCmd->parsed()) {
    command = "history";
    args = {{"limit", limit}};
  }
  else if (statsCmd->parsed()) command = "stats";
  else if (explainCmd->parsed()) {
    command = "explain";
    args = {{"name", target}, {"type", type}, {"client", client}, {"ecs", ecs}};
  }
  else if (drain->parsed() || undrain->parsed()) {
    command = drain->parsed() ? "drain" : "undrain";
    args = {{"target", target}, {"reason", reason}, {"force", force}, {"dry_run", dryRun}, {"local", local}};
    if (!at.empty() || !during.empty()) {
      if (at.empty() || during.empty()) {
        std::cerr << "lodestarctl: a maintenance window needs both --at (now, +10m or 2026-11-26T02:00:00Z) and --for "
                     "(its length: 90s, 30m, 2h); without them, drain starts now and lasts until undrain\n";
        return kUsage;
      }
      // The one grammar (dns/wire): the daemon checks the window again, whoever sends it.
      std::string error;
      auto start = lodestar::wire::parseWhen(at, std::time(nullptr), error);
      if (!start) {
        std::cerr << "lodestarctl: --at: " << error << "\n";
        return kUsage;
      }
      auto length = lodestar::wire::parseSeconds(during, 1, lodestar::wire::kLongestDuration.count() / 1000, error);
      if (!length) {
        std::cerr << "lodestarctl: --for: " << error << "\n";
        return kUsage;
      }
      args["start"] = *start;
      args["end"] = *start + static_cast<int64_t>(*length);
    }
  } else {
    for (const auto& [name, sub] : forces)
      if (sub->parsed()) {
        command = "force";
        std::string state = name == "force-down" ? "down" : name == "force-up" ? "up" : "auto";
        args = {{"target", target}, {"state", state}, {"reason", reason}, {"force", force}, {"dry_run", dryRun},
                {"local", local}};
      }
  }
  std::string error;
  auto response = lodestar::control::request(path, command, args, error);
  if (!response) {
    std::cerr << "lodestarctl: " << error << "\n";
    return kUnreachable;
  }
  return print(command, *response, json, clusterNodes);
}
