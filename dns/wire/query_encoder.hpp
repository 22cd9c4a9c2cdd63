// Writing a query: the one encoder for explain, the benchmark's load generator and the
// tests (which also use it to build queries the parser must reject, through raw options).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "dns/wire/address.hpp"

namespace lodestar::wire {

struct QueryFields {
  uint16_t id = 0;
  uint16_t flags = 0;     // the header's flag word: 0x0100 is RD
  std::string_view name;  // uncompressed wire form
  uint16_t type = 1;
  uint16_t qclass = 1;
  bool edns = false;      // an OPT record (set by ecs or options too)
  uint16_t udpSize = 1232;
  uint8_t ednsVersion = 0;
  bool dnssecOk = false;  // the DO flag (RFC 3225)
  std::optional<Prefix> ecs;  // an ECS option with scope 0, its address cut to the prefix's bytes
  std::vector<uint8_t> options;  // further raw options (code, length, data), after ECS
};

std::vector<uint8_t> encodeQuery(const QueryFields& q);

}  // namespace lodestar::wire
