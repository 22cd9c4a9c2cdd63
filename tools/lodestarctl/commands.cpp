// The table of lodestarctl's subcommands: their options, the request each sends, its printer.
#include "tools/lodestarctl/commands.hpp"

#include <ctime>
#include <memory>

#include "dns/wire/duration.hpp"
#include "dns/wire/rr_type.hpp"
#include "dns/wire/utc_time.hpp"
#include "tools/lodestarctl/check_delegation_query.hpp"
#include "tools/lodestarctl/printers.hpp"

namespace lodestarctl {

namespace {

// A subcommand without options: `command` with no arguments.
std::function<BuildRequest(CLI::App&)> plain(const std::string& command) {
  return [command](CLI::App&) -> BuildRequest {
    return [command](std::string&) { return Request{command}; };
  };
}

// The command as the operator typed it: the protocol's force with state auto is `auto`.
std::string typedCommand(const Request& sent) {
  if (sent.command != "force") return sent.command;
  const std::string state = sent.args.value("state", std::string());
  return state == "auto" ? state : "force-" + state;
}

void printOutcomeOf(const Request& sent, const nlohmann::json& result) { printOutcome(typedCommand(sent), result); }

// The options drain, undrain and force-* share.
struct AdminOptions {
  std::string target, reason, at, during;
  bool force = false, dryRun = false, local = false;
};

nlohmann::json adminArgs(const AdminOptions& o) {
  return {{"target", o.target}, {"reason", o.reason}, {"force", o.force}, {"dry_run", o.dryRun}, {"local", o.local}};
}

BuildRequest setupReload(CLI::App& sub) {
  auto force = std::make_shared<bool>(false);
  sub.add_flag("--force", *force, "apply even when the files drop every zone, or more than half of them");
  return [force](std::string&) { return Request{"reload", {{"force", *force}}}; };
}

BuildRequest setupStatus(CLI::App& sub) {
  auto o = std::make_shared<std::pair<bool, bool>>(false, false);
  sub.add_flag("--detail", o->first, "also list the zones and records that use each endpoint");
  sub.add_flag("--cluster", o->second, "also list the cluster's nodes (alive, last report, version, config)");
  return [o](std::string&) { return Request{"status", {{"detail", o->first}, {"cluster", o->second}}}; };
}

BuildRequest setupHistory(CLI::App& sub) {
  auto limit = std::make_shared<int64_t>(20);
  sub.add_option("-n,--limit", *limit, "how many, newest first (default 20, at most 1000)")->check(CLI::Range(1, 1000));
  return [limit](std::string&) { return Request{"history", {{"limit", *limit}}}; };
}

BuildRequest setupDrain(CLI::App& sub) {
  auto o = std::make_shared<AdminOptions>();
  sub.add_option("region", o->target, "region name")->required();
  sub.add_option("--reason", o->reason, "why, for the audit log and status");
  sub.add_flag("--force", o->force, "even if some record's clients are left without a usable region (they fail open)");
  sub.add_flag("--dry-run", o->dryRun, "show which clients would move where; change nothing");
  sub.add_flag("--local", o->local, "in a cluster: this node only (also when etcd is unreachable); see docs/cluster.md");
  sub.add_option("--at", o->at, "start a maintenance window then: now, +10m, or 2026-11-26T02:00:00Z (needs --for)");
  sub.add_option("--for", o->during, "the window's length: 90s, 30m, 2h (needs --at)");
  return [o](std::string& error) -> std::optional<Request> {
    Request r{"drain", adminArgs(*o)};
    if (o->at.empty() && o->during.empty()) return r;
    if (o->at.empty() || o->during.empty()) {
      error = "a maintenance window needs both --at (now, +10m or 2026-11-26T02:00:00Z) and --for "
              "(its length: 90s, 30m, 2h); without them, drain starts now and lasts until undrain";
      return std::nullopt;
    }
    // The one grammar (dns/wire): the daemon checks the window again, whoever sends it.
    std::string why;
    auto start = lodestar::wire::parseWhen(o->at, std::time(nullptr), why);
    if (!start) {
      error = "--at: " + why;
      return std::nullopt;
    }
    auto length = lodestar::wire::parseSeconds(o->during, 1, lodestar::wire::kLongestDuration.count() / 1000, why);
    if (!length) {
      error = "--for: " + why;
      return std::nullopt;
    }
    r.args["start"] = *start;
    r.args["end"] = *start + static_cast<int64_t>(*length);
    return r;
  };
}

// drill REGION --for D [--sample N] [--dry-run]: the daemon takes the region down by a window
// from now, and reports where the clients went.
BuildRequest setupDrill(CLI::App& sub) {
  struct Options {
    AdminOptions admin;
    std::string during;
    int64_t sample = 3;
  };
  auto o = std::make_shared<Options>();
  sub.add_option("region", o->admin.target, "region name")->required();
  sub.add_option("--for", o->during, "how long the region stays down: 90s, 30m, 2h")->required();
  sub.add_option("--sample", o->sample, "client addresses asked per area of the geo database (default 3, at most 64)")
      ->check(CLI::Range(1, 64));
  sub.add_option("--reason", o->admin.reason, "why, for the audit log and status");
  sub.add_flag("--dry-run", o->admin.dryRun, "report where clients would go; change nothing");
  sub.add_flag("--force", o->admin.force, "even if some record's clients are left without a usable region (they fail open)");
  sub.add_flag("--local", o->admin.local, "in a cluster: this node only");
  return [o](std::string& error) -> std::optional<Request> {
    std::string why;
    auto length = lodestar::wire::parseSeconds(o->during, 1, lodestar::wire::kLongestDuration.count() / 1000, why);
    if (!length) {
      error = "--for: " + why;
      return std::nullopt;
    }
    Request r{"drill", adminArgs(o->admin)};
    r.args["seconds"] = static_cast<int64_t>(*length);
    r.args["sample"] = o->sample;
    return r;
  };
}

BuildRequest setupUndrain(CLI::App& sub) {
  auto o = std::make_shared<AdminOptions>();
  sub.add_option("region", o->target, "region name")->required();
  sub.add_flag("--local", o->local, "in a cluster: end a drain made with --local on this node");
  return [o](std::string&) { return Request{"undrain", adminArgs(*o)}; };
}

BuildRequest setupExplain(CLI::App& sub) {
  struct Options {
    std::string name, type = "A", client, ecs;
  };
  auto o = std::make_shared<Options>();
  sub.add_option("name", o->name, "the name asked for")->required();
  // The type as the daemon's RR type table writes it: "aaaa" is AAAA, "TYPE65280" stays.
  const CLI::Validator rrType(
      [](std::string& text) -> std::string {
        const auto number = lodestar::wire::rrTypeFromName(text);
        if (!number) return "unknown type '" + text + "' (a mnemonic such as AAAA, or TYPE12345)";
        text = lodestar::wire::rrTypeName(*number);
        return {};
      },
      "TYPE");
  sub.add_option("type", o->type, "the query type (default A)")->transform(rrType);
  sub.add_option("--client", o->client, "the client's address (the packet source)")->required();
  sub.add_option("--ecs", o->ecs, "the EDNS Client Subnet its resolver sends, e.g. 198.51.100.0/24");
  return [o](std::string&) {
    return Request{"explain", {{"name", o->name}, {"type", o->type}, {"client", o->client}, {"ecs", o->ecs}}};
  };
}

// dnssec ds|keys [ZONE]: the DS records for the parent, or every key with its times.
BuildRequest setupDnssec(CLI::App& sub) {
  struct Options {
    std::string show, zone;
  };
  auto o = std::make_shared<Options>();
  sub.add_option("what", o->show, "ds: the DS records to give the parent; keys: every key and when signatures expire")
      ->required()
      ->check(CLI::IsMember({"ds", "keys"}));
  sub.add_option("zone", o->zone, "the zone (default: every signed zone)");
  return [o](std::string&) {
    Request r{"dnssec", {{"zone", o->zone}}};
    r.show = o->show;
    return r;
  };
}

// export ZONE [--client ADDR] [--nsec-chain]
BuildRequest setupExport(CLI::App& sub) {
  struct Options {
    std::string zone, client = "0.0.0.0";
    bool chain = false;
  };
  auto o = std::make_shared<Options>();
  sub.add_option("zone", o->zone, "the zone")->required();
  sub.add_option("--client", o->client, "whose answers the steered names give (default 0.0.0.0: the map's default)");
  sub.add_flag("--nsec-chain", o->chain,
               "a signed zone: add an NSEC chain over its names, signed now, for ldns-verify-zone and dnssec-verify");
  return [o](std::string&) {
    return Request{"export", {{"zone", o->zone}, {"client", o->client}, {"nsec_chain", o->chain}}};
  };
}

// check-delegation ZONE [--parent-ns ADDR]... [--port N]: checked here, so the addresses are too.
BuildRequest setupCheckDelegation(CLI::App& sub) {
  struct Options {
    std::string zone;
    std::vector<std::string> parents;
    uint16_t port = 53;
  };
  auto o = std::make_shared<Options>();
  sub.add_option("zone", o->zone, "the delegated zone, e.g. gtm.example.com")->required();
  sub.add_option("--parent-ns", o->parents,
                 "a server of the parent zone: ADDR, ADDR:PORT or [IPv6]:PORT (repeatable; default: found through "
                 "the system resolver)")
      ->allow_extra_args(false);  // one address each time: the zone may follow it
  sub.add_option("--port", o->port, "the port the zone's own nameservers are asked on (default 53)")
      ->check(CLI::Range(1, 65535));
  return [o](std::string& error) -> std::optional<Request> {
    Request r{"check-delegation", {{"zone", o->zone}, {"parents", nlohmann::json::array()}, {"port", o->port}}};
    ldns_rdf* name = ldns_dname_new_frm_str(o->zone.c_str());
    if (!name) {
      error = "'" + o->zone + "' is not a domain name";
      return std::nullopt;
    }
    ldns_rdf_deep_free(name);
    for (const auto& p : o->parents) {
      const auto a = delegation::parseServerAddress(p, 53, error);
      if (!a) return std::nullopt;
      r.args["parents"].push_back({{"address", a->host}, {"port", a->port}});
    }
    return r;
  };
}

// force-down, force-up and auto: the protocol's force with a state.
std::function<BuildRequest(CLI::App&)> setupForce(const std::string& state) {
  return [state](CLI::App& sub) -> BuildRequest {
    auto o = std::make_shared<AdminOptions>();
    sub.add_option("target", o->target, "region, REGION/POOL or address")->required();
    sub.add_option("--reason", o->reason, "why, for the audit log");
    sub.add_flag("--force", o->force, "even if some record's clients are left without a usable region (they fail open)");
    sub.add_flag("--dry-run", o->dryRun, "show which clients would move where; change nothing");
    sub.add_flag("--local", o->local, "in a cluster: this node only");
    return [o, state](std::string&) {
      Request r{"force", adminArgs(*o)};
      r.args["state"] = state;
      return r;
    };
  };
}

std::string forceHelp(const std::string& name) {
  return name + " TARGET: a region, REGION/POOL or an endpoint address";
}

}  // namespace

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> table = {
      {"reload", "load the files on disk and apply them if they have no error", setupReload, printOutcomeOf},
      {"check", "validate the files on disk without applying them", plain("check"), printOutcomeOf},
      {"ping", "is the daemon answering?", plain("ping"), printOutcomeOf},
      {"status", "regions, pools and endpoints with health and overrides", setupStatus,
       [](const Request& sent, const nlohmann::json& r) { printStatus(r, sent.args.value("cluster", false)); }},
      {"history",
       "recent admin actions: the cluster's (who, where, when, why, revision), or this node's audit log when it "
       "runs alone",
       setupHistory, [](const Request&, const nlohmann::json& r) { printHistory(r); }},
      {"drain", "stop sending clients to REGION (every record, every zone)", setupDrain, printOutcomeOf},
      {"undrain", "send clients to REGION again", setupUndrain, printOutcomeOf},
      {"drill",
       "take REGION down for a while (--for), then report where each area's clients went, which regions took "
       "them and how fast the answers changed; it comes back on time whatever happens to this tool",
       setupDrill, [](const Request&, const nlohmann::json& r) { printDrill(r); }},
      {"explain", "why a client gets its answer: geo facts, map key, regions, answer", setupExplain,
       [](const Request&, const nlohmann::json& r) { printExplain(r); }},
      {"dnssec", "ds: the DS records for the parent zone; keys: the signing keys and when signatures expire",
       setupDnssec, [](const Request& sent, const nlohmann::json& r) { printDnssec(sent.show, r); }},
      {"export", "the zone's data as RFC 1035 text: static sets, each steered name's answer for --client, signatures",
       setupExport, [](const Request& sent, const nlohmann::json& r) { printExport(sent, r); }},
      {"check-delegation",
       "ask the parent for ZONE's delegation and each nameserver for SOA (over UDP and TCP) and NS; name what does "
       "not match (NS set, glue, serials, lame servers, EDNS, ECS echo, TCP, steered TTLs shorter than the checks take)",
       setupCheckDelegation, nullptr, runCheckDelegation},
      {"stats", "query counters by rcode, type and zone, answers per region and record, reloads", plain("stats"),
       [](const Request&, const nlohmann::json& r) { printStats(r); }},
      {"force-down", forceHelp("force-down"), setupForce("down"), printOutcomeOf},
      {"force-up", forceHelp("force-up"), setupForce("up"), printOutcomeOf},
      {"auto", forceHelp("auto"), setupForce("auto"), printOutcomeOf},
  };
  return table;
}

}  // namespace lodestarctl
