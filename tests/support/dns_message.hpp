// Test-side DNS messages: a raw query builder (so tests can also build broken packets)
// and answers parsed by ldns, the independent reference client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lodestar::test {

using Bytes = std::vector<uint8_t>;

/// Builds query bytes field by field.
struct QueryBuilder {
  uint16_t id = 0x4c53;
  uint16_t flags = 0x0100;  // RD, as stub resolvers send
  std::string qname = "www.example.test.";
  uint16_t qtype = 1;
  uint16_t qclass = 1;
  bool edns = false;
  uint16_t payload = 1232;
  uint8_t ednsVersion = 0;
  bool dnssecOk = false;  // DO, with edns
  Bytes ednsOptions;  // raw option bytes (code, length, data)

  QueryBuilder& name(std::string n) { qname = std::move(n); return *this; }
  QueryBuilder& type(uint16_t t) { qtype = t; return *this; }
  /// "MX", "AAAA", "TYPE65280": through the RR type table (dns/wire/rr_type.hpp).
  QueryBuilder& type(std::string_view mnemonic);
  QueryBuilder& withEdns(uint16_t size = 1232) { edns = true; payload = size; return *this; }
  /// Adds an ECS option for "198.51.100.0/24" (address truncated to the prefix's bytes).
  QueryBuilder& ecs(const std::string& prefix, uint8_t scope = 0);
  QueryBuilder& option(uint16_t code, const Bytes& data);
  Bytes bytes() const;
};

/// Encodes "www.example.test." as an uncompressed wire name.
Bytes wireName(const std::string& text);

struct EcsEcho {
  uint16_t family = 0;
  uint8_t source = 0;
  uint8_t scope = 0;
  Bytes address;
};

/// A parsed answer. Records are rendered by ldns as "owner TTL TYPE rdata" (class dropped).
struct Answer {
  uint16_t id = 0;
  int rcode = 0;  // including the extended bits from OPT
  bool qr = false, aa = false, tc = false, rd = false, ra = false;
  int opcode = 0;
  std::vector<std::string> question, answer, authority, additional;
  bool hasOpt = false;
  uint16_t udpSize = 0;
  std::optional<EcsEcho> ecs;
  Bytes raw;
};

/// Parses with ldns; nullopt when ldns rejects the bytes.
std::optional<Answer> parseAnswer(const Bytes& bytes);

}  // namespace lodestar::test
