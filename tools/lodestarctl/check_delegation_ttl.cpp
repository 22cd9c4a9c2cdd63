// check-delegation's TTL finding: the daemon's `check` names the steered records whose hung
// endpoint leaves the answers later than one TTL (dns/server/loaded_config.cpp writes the lines).
#include <regex>
#include <sstream>

#include "tools/lodestarctl/check_delegation.hpp"

namespace lodestarctl::delegation {

std::vector<Finding> ttlFindings(const std::string& zone, const std::string& summary) {
  static const std::regex line(R"(^\s+(\S+): withdrawal of a hung endpoint <= (\S+) against TTL (\S+)\s*$)");
  std::vector<Finding> out;
  std::istringstream lines(summary);
  for (std::string text; std::getline(lines, text);) {
    std::smatch m;
    if (!std::regex_match(text, m, line)) continue;
    const std::string name = canonicalName(m[1]);
    if (!inZone(name, zone)) continue;
    out.push_back({"ttl_slower_than_checks",
                   name + ": its health checks can take up to " + m[2].str() + " to withdraw a hung endpoint, longer "
                   "than its TTL " + m[3].str() + ": caches may keep a failed region's answer (lower the TTL or check "
                   "faster)"});
  }
  return out;
}

}  // namespace lodestarctl::delegation
