// One question to one DNS server as check-delegation asks it: RD clear, EDNS0 with an ECS
// option, over UDP or TCP, within a timeout and one retry at most; and what its answer holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zones/ldns.hpp"

namespace lodestarctl::delegation {

/// A server's address: an IPv4 or IPv6 literal and a port.
struct ServerAddress {
  std::string host;
  uint16_t port = 53;
  bool operator==(const ServerAddress& o) const { return host == o.host && port == o.port; }
};

/// ADDR, ADDR:PORT, [V6] or [V6]:PORT (a bare V6 literal too); `defaultPort` when none is given.
std::optional<ServerAddress> parseServerAddress(const std::string& text, uint16_t defaultPort, std::string& error);

using Packet = std::unique_ptr<ldns_pkt, void (*)(ldns_pkt*)>;

enum class Transport { Udp, Tcp };

/// The ECS option every query carries (RFC 7871): 198.51.100.0/24, a documentation prefix.
inline constexpr const char* kEcsPrefix = "198.51.100.0/24";
inline constexpr std::chrono::seconds kTimeout{2};

/// The answer, or null with `error` in plain words ("no answer over UDP within 2 s").
struct Exchange {
  Packet packet{nullptr, ldns_pkt_free};
  std::string error;
};

/// Asks `to` for NAME TYPE once, and once more after a timeout over UDP.
Exchange ask(const ServerAddress& to, const std::string& name, ldns_rr_type type, Transport transport);

/// Lower case with the final dot: how every name is compared and shown.
std::string canonicalName(const std::string& name);
std::string nameOf(const ldns_rdf* dname);
/// Is canonical `name` the zone's apex or below it?
bool inZone(const std::string& name, const std::string& zone);
/// The records of `type` owned by `owner` in a section; each as its RDATA's first field in text.
std::vector<std::string> rdataOf(const ldns_pkt* p, ldns_pkt_section section, ldns_rr_type type, const std::string& owner);
/// The TTL of the first such record (0 when none).
uint32_t ttlOf(const ldns_pkt* p, ldns_pkt_section section, ldns_rr_type type, const std::string& owner);
/// Does the answer's OPT record carry an ECS option (code 8)?
bool echoesEcs(const ldns_pkt* p);
std::string rcodeName(const ldns_pkt* p);

}  // namespace lodestarctl::delegation
