// Zone policy files that several tests share.
#include "tests/support/zone_texts.hpp"

namespace lodestar::test {

std::string demoZoneText(const DemoZoneText& z) {
  const std::string& e = z.secondEndpoint;
  return "zone: " + z.zone + R"(
ttl: 300
soa: {mname: ns1, rname: hostmaster, serial: 1, refresh: 3600, retry: 600, expire: 1209600, minimum: 60}
nameservers:
  ns1: 127.0.0.1
checks:
  healthz:
    kind: http
    port: CHECK_PORT
    http: {path: /healthz}
    interval: )" + z.checkInterval + R"(
    timeout: 500ms
    fall: 2
    rise: 2
    recheck: 200ms
regions:
  us-east:      { latitude: 39.0, longitude: -77.5 }
  eu-west:      { latitude: 53.3, longitude: -6.3 }
  ap-northeast: { latitude: 35.7, longitude: 139.7 }
pools:
  web:
    check: healthz
    regions:
      us-east:      [127.0.1.1, 127.0.1.)" + e + R"(]
      eu-west:      [127.0.2.1, 127.0.2.)" + e + R"(]
      ap-northeast: [127.0.3.1, 127.0.3.)" + e + R"(]
records:
)" + z.records;
}

std::string shopZoneText(const std::string& moreRecords) {
  return R"(zone: shop.test
soa: {serial: 1}
nameservers: {ns1: 192.0.2.1}
regions:
  eu-central: {latitude: 50.1, longitude: 8.7}
  us-east: {latitude: 39, longitude: -77.5}
  ap-south: {latitude: 19, longitude: 72.8}
  us-west: {latitude: 37.8, longitude: -122.4}
pools:
  web:
    regions:
      eu-central: [192.0.2.10]
      us-east: [192.0.2.20]
      ap-south: [192.0.2.30]
      us-west: [192.0.2.40]
records:
  pay:
    steer: {policy: failover, pool: web, order: [eu-central, us-east]}
  img:
    steer: {policy: weighted, pool: web, weights: {eu-central: 1, us-east: 1, ap-south: 1, us-west: 1}}
)" + moreRecords;
}

}  // namespace lodestar::test
