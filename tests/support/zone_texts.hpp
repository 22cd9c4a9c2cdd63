// Zone policy files that several tests share, as text: the demo's three regions with their
// endpoints and check (the cluster tests' extra zones), and the new operator's four-region shop.
#pragma once

#include <string>

namespace lodestar::test {

struct DemoZoneText {
  std::string zone = "other.test";
  std::string checkInterval = "1s";
  std::string secondEndpoint = "2";  // the last byte of each region's second endpoint (127.0.N.x)
  std::string records;               // the YAML under `records:`, indented by two spaces
};

/// The demo's regions, endpoints and check (port CHECK_PORT, which ClusterFixture replaces),
/// with `z`'s name, records and fields.
std::string demoZoneText(const DemoZoneText& z);

/// shop.test on four regions, one endpoint each, no check: pay fails over from eu-central to
/// us-east, img spreads over all four; then `moreRecords` (YAML under `records:`).
std::string shopZoneText(const std::string& moreRecords = "");

}  // namespace lodestar::test
