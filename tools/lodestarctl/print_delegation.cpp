// check-delegation's report: one line per finding and a verdict for people, or JSON for scripts.
#include <iostream>
#include <set>

#include "tools/lodestarctl/check_delegation.hpp"
#include "tools/lodestarctl/printers.hpp"

namespace lodestarctl::delegation {

namespace {

nlohmann::json address(const ServerAddress& a) { return {{"address", a.host}, {"port", a.port}}; }

std::set<uint32_t> serials(const Report& r) {
  std::set<uint32_t> out;
  for (const auto& s : r.servers)
    if (s.authoritative && s.serial) out.insert(*s.serial);
  return out;
}

}  // namespace

nlohmann::json toJson(const Report& r) {
  nlohmann::json j = {{"zone", r.zone}, {"ok", exitCode(r) == 0}, {"parent_ns", r.parentNs}, {"zone_ns", r.zoneNs},
                      {"zone_addresses", r.zoneAddresses}, {"notes", r.notes}};
  j["findings"] = nlohmann::json::array();
  for (const auto& f : r.findings) j["findings"].push_back({{"code", f.code}, {"text", f.text}});
  j["parents"] = nlohmann::json::array();
  for (const auto& p : r.parents) {
    auto e = address(p.address);
    e.update({{"answered", p.answered}, {"authoritative", p.authoritative}, {"ns", p.ns}, {"glue", p.glue}, {"ttl", p.ttl}});
    if (!p.error.empty()) e["error"] = p.error;
    if (!p.udpError.empty()) e["udp_error"] = p.udpError;
    j["parents"].push_back(e);
  }
  j["servers"] = nlohmann::json::array();
  for (const auto& s : r.servers) {
    auto e = address(s.address);
    e.update({{"names", s.names}, {"from", s.from}, {"udp", s.udp}, {"tcp", s.tcp}, {"authoritative", s.authoritative},
              {"rcode", s.rcode}, {"edns", s.edns}, {"ecs_echo", s.ecsEcho}});
    e["serial"] = s.serial ? nlohmann::json(*s.serial) : nlohmann::json();
    e["ns"] = s.ns ? nlohmann::json(*s.ns) : nlohmann::json();
    if (s.ns) e["ns_ttl"] = s.nsTtl;
    if (!s.udpError.empty()) e["udp_error"] = s.udpError;
    if (!s.tcpError.empty()) e["tcp_error"] = s.tcpError;
    j["servers"].push_back(e);
  }
  const auto all = serials(r);
  j["serial"] = all.size() == 1 ? nlohmann::json(*all.begin()) : nlohmann::json();
  return j;
}

void printDelegation(const Report& r) {
  for (const auto& n : r.notes) std::cout << "note: " << n << "\n";
  for (const auto& f : r.findings) std::cout << f.text << "\n";
  if (r.findings.empty()) {
    const auto all = serials(r);
    std::cout << "delegation of " << r.zone << ": OK (" << r.servers.size() << " server" << (r.servers.size() == 1 ? "" : "s")
              << (all.size() == 1 ? ", serial " + std::to_string(*all.begin()) : std::string()) << ")\n";
  } else {
    std::cout << "delegation of " << r.zone << ": " << r.findings.size() << " problem(s)\n";
  }
}

}  // namespace lodestarctl::delegation

namespace lodestarctl {

int runCheckDelegation(const Request& sent, const AskDaemon& ask, bool json) {
  delegation::Options o;
  o.zone = delegation::canonicalName(sent.args.at("zone").get<std::string>());
  o.port = sent.args.at("port").get<uint16_t>();
  for (const auto& p : sent.args.at("parents"))
    o.parents.push_back({p.at("address").get<std::string>(), p.at("port").get<uint16_t>()});
  // The TTL finding needs the daemon's own view of its checks: only the local daemon has it.
  o.daemonCheck = [&ask](std::string& why) { return ask(Request{"check"}, why); };
  const auto report = delegation::checkDelegation(o);
  if (json) std::cout << delegation::toJson(report).dump(2) << "\n";
  else delegation::printDelegation(report);
  return delegation::exitCode(report);
}

}  // namespace lodestarctl
