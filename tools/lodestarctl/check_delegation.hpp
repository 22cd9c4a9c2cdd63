// lodestarctl check-delegation: asks the parent for a zone's delegation and every nameserver
// for the zone itself, and names what does not match. It runs here, not in the daemon.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/lodestarctl/check_delegation_query.hpp"

namespace lodestarctl::delegation {

struct Options {
  std::string zone;                    // canonical: lower case, final dot
  std::vector<ServerAddress> parents;  // empty: found through the system resolver
  uint16_t port = 53;                  // the zone's own nameservers' port
  /// The local daemon's `check` result, or nullopt with why (no daemon: no TTL finding).
  std::function<std::optional<nlohmann::json>(std::string& why)> daemonCheck;
};

/// One thing that does not match: a code for scripts, a sentence for people.
struct Finding {
  std::string code;  // glue_mismatch, ns_set_mismatch, unreachable, lame, ...
  std::string text;
};

/// What one parent server said about the delegation.
struct ParentFacts {
  ServerAddress address;
  bool answered = false;
  std::string error;  // no answer, or no delegation in it
  std::string udpError;  // it answered over TCP only: why UDP did not
  bool authoritative = false;  // it answered the NS set itself (it serves the zone too)
  std::vector<std::string> ns;
  std::map<std::string, std::vector<std::string>> glue;  // NS name -> addresses
  uint32_t ttl = 0;
};

/// What one of the zone's servers (an address) said.
struct ServerFacts {
  ServerAddress address;
  std::vector<std::string> names;  // the NS names it is the address of
  std::vector<std::string> from;   // "glue", "zone": who gave the address
  bool udp = false, tcp = false, authoritative = false, edns = false, ecsEcho = false;
  std::string rcode, udpError, tcpError;
  std::optional<uint32_t> serial;
  std::optional<std::vector<std::string>> ns;  // its NS set for the zone, when it answered
  uint32_t nsTtl = 0;
};

struct Report {
  std::string zone;
  std::vector<ParentFacts> parents;
  std::vector<std::string> parentNs;  // the delegation's NS set (every parent's, together)
  std::vector<std::string> zoneNs;    // the zone's own, from the first authoritative server
  std::map<std::string, std::vector<std::string>> zoneAddresses;  // its A/AAAA for each NS name
  std::vector<ServerFacts> servers;
  std::vector<Finding> findings;
  std::vector<std::string> notes;  // what could not be checked, and why
  bool parentUnreachable = false;
};

/// Every question, then every comparison. Bounded: 2 s a question, one retry over UDP.
Report checkDelegation(const Options& o);

/// The parent's side: its servers (o.parents, or found by the system resolver), each asked.
void askParents(const Options& o, Report& r);
/// A name's addresses through the system resolver (nameservers outside the zone without glue).
std::vector<std::string> resolveAddresses(const std::string& name);
/// Steered records of the zone whose withdrawal can outlast their TTL, from `check`'s summary.
std::vector<Finding> ttlFindings(const std::string& zone, const std::string& summary);

/// 0 all fine, 1 findings, 3 no parent server could be asked.
int exitCode(const Report& r);
nlohmann::json toJson(const Report& r);
/// One line per finding and a last line, for people.
void printDelegation(const Report& r);

}  // namespace lodestarctl::delegation
