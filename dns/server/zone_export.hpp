// `lodestarctl export ZONE`: a zone's data as its answers give it, for RFC 1035 tools: every
// static set, each steered name as its answer for one client now (marked), and, for a signed
// zone, every signature. With an NSEC chain made for the export, a signed export is what
// ldns-verify-zone and dnssec-verify check (the server itself denies with compact NSECs).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "dns/wire/address.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

struct ExportRequest {
  std::string zone;        // presentation form, with or without the final dot
  wire::Address client;    // whose answers the steered names give
  bool nsecChain = false;  // a signed zone: add an NSEC chain over its names, signed now
};

/// {"zone": NAME, "records": [{"owner": hex, "type": N, "ttl": N, "rdata": hex, "note": text}]},
/// owners and data in uncompressed wire form; or {"error": text}.
nlohmann::json exportZone(const zones::View& view, const ExportRequest& request);

}  // namespace lodestar::server
