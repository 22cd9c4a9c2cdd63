// Check identity and names.
#include "health/check_spec.hpp"

namespace lodestar::health {

const char* probeKindName(ProbeKind kind) noexcept {
  switch (kind) {
    case ProbeKind::Tcp: return "tcp";
    case ProbeKind::Http: return "http";
    case ProbeKind::Https: return "https";
    case ProbeKind::Dns: return "dns";
    case ProbeKind::Exec: return "exec";
  }
  return "?";
}

std::string CheckSpec::identity() const {
  std::string id = std::string(probeKindName(kind)) + "|" + std::to_string(port) + "|" + address + "|" +
                   std::to_string(interval.count()) + "|" + std::to_string(timeout.count()) + "|" +
                   std::to_string(recheck.count()) + "|" + std::to_string(rise) + "|" + std::to_string(fall) + "|" +
                   method + "|" + path + "|" + host + "|" + bodyContains + "|" + (verifyTls ? "v" : "n") + "|" + sni +
                   "|" + dnsName + "|" + std::to_string(dnsType) + "|" + std::to_string(dnsRcode) + "|" + dnsAnswer +
                   "|d:" + std::to_string(damping.falls) + "/" + std::to_string(damping.window.count()) + "/" +
                   std::to_string(damping.hold.count());
  for (const auto& h : headers) id += "|h:" + h;
  for (auto s : expectStatus) id += "|s:" + std::to_string(s);
  for (const auto& c : command) id += "|c:" + c;
  return id;
}

}  // namespace lodestar::health
