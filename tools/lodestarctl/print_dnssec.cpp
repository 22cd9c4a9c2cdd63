// lodestarctl dnssec, and the signed zones in status.
#include <iostream>

#include "dns/wire/utc_time.hpp"
#include "tools/lodestarctl/printers.hpp"

namespace lodestarctl {

using lodestar::wire::formatUtc;

void printSignedZones(const nlohmann::json& zones) {
  for (const auto& z : zones) {
    std::cout << "DNSSEC " << z.at("zone").get<std::string>() << ": signed " << formatUtc(integer(z, "signed_at"))
              << ", static signatures expire from " << formatUtc(integer(z, "expires_from")) << ", made again from "
              << formatUtc(integer(z, "resign_at")) << ", denial " << z.value("denial", std::string()) << "\n";
    for (const auto& k : z.at("keys"))
      std::cout << "  key " << integer(k, "tag") << " " << k.value("role", std::string()) << " "
                << k.value("algorithm_name", std::string()) << " (" << integer(k, "algorithm") << ") "
                << k.value("file", std::string()) << "\n";
  }
}

void printDnssec(const std::string& show, const nlohmann::json& result) {
  const auto& zones = result.at("zones");
  if (show != "ds") return printSignedZones(zones);
  // What the parent's operator adds: one DS per key-signing key (RFC 4509, SHA-256).
  for (const auto& z : zones)
    for (const auto& k : z.at("keys"))
      if (k.contains("ds")) std::cout << k.at("ds").get<std::string>() << "\n";
}

}  // namespace lodestarctl
