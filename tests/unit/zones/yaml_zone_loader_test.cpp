// Zone policy files: what loads, and what is rejected with file:line:column.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/support/daemon_process.hpp"
#include "zones/yaml_zone_loader.hpp"
#include "dns/wire/name_text.hpp"

using namespace lodestar::zones;
namespace wire = lodestar::wire;
namespace yaml = lodestar::yaml;
using lodestar::test::TempDir;

namespace {
const char* kHead = R"(zone: example.test
ttl: 300
soa:
  serial: 1
nameservers:
  ns1: 192.0.2.1
)";

std::string errorsOf(const TempDir& dir, const std::string& text) {
  yaml::Diagnostics d;
  auto path = dir.write("zone.yaml", text);
  auto zone = loadYamlZone(path, d);
  CHECK(!zone);
  std::string out;
  for (const auto& e : d.errors()) out += e.toString() + "\n";
  return out;
}
}  // namespace

TEST_CASE("a minimal zone policy file compiles with SOA, NS and glue", "[zones][yaml_zone]") {
  TempDir dir;
  yaml::Diagnostics d;
  auto zone = loadYamlZone(dir.write("z.yaml", kHead), d);
  INFO(d.report());
  REQUIRE(zone);
  CHECK(wire::nameToText(zone->apex()) == "example.test.");
  CHECK(zone->apexNode().find(2));
  CHECK(zone->apexNode().find(6));
  CHECK(zone->negativeTtl() == 60);  // SOA minimum default 60 < TTL 300
  const Node* glue = zone->find(std::string_view("\3ns1\7example\4test\0", 18));
  REQUIRE(glue);
  CHECK(glue->find(1));
}

TEST_CASE("TXT values are taken whole, split into 255-byte strings", "[zones][yaml_zone]") {
  TempDir dir;
  yaml::Diagnostics d;
  std::string longText(300, 'a');
  auto zone = loadYamlZone(dir.write("z.yaml", std::string(kHead) + "records:\n  t:\n    TXT: [v=spf1 -all, " +
                                                     longText + "]\n"),
                             d);
  INFO(d.report());
  REQUIRE(zone);
  const Node* t = zone->find(std::string_view("\1t\7example\4test\0", 16));
  REQUIRE(t);
  const RRset* txt = t->find(16);
  REQUIRE(txt);
  CHECK(txt->rdata[0] == std::string("\x0bv=spf1 -all"));
  CHECK(txt->rdata[1].size() == 302);
  CHECK(static_cast<uint8_t>(txt->rdata[1][0]) == 255);
}

TEST_CASE("an unknown key is an error at its line and column, with the key path", "[zones][yaml_zone]") {
  TempDir dir;
  auto e = errorsOf(dir, std::string(kHead) + "recrods:\n  www:\n    A: 192.0.2.1\n");
  CHECK_THAT(e, Catch::Contains("zone.yaml:7:1: recrods: unknown key"));
}

TEST_CASE("a record type typo is an error", "[zones][yaml_zone]") {
  TempDir dir;
  auto e = errorsOf(dir, std::string(kHead) + "records:\n  www:\n    AA: 192.0.2.1\n");
  CHECK_THAT(e, Catch::Contains("zone.yaml:9:5: records.www.AA: unknown record type"));
}

TEST_CASE("CNAME beside other data is an error", "[zones][yaml_zone]") {
  TempDir dir;
  auto e = errorsOf(dir, std::string(kHead) + "records:\n  www:\n    A: 192.0.2.1\n    CNAME: other\n");
  CHECK_THAT(e, Catch::Contains("zone.yaml:10:12: CNAME beside other data at www.example.test."));
}

TEST_CASE("a missing SOA and a missing NS set are errors", "[zones][yaml_zone]") {
  TempDir dir;
  auto e = errorsOf(dir, "zone: example.test\nnameservers:\n  ns1: 192.0.2.1\n");
  CHECK_THAT(e, Catch::Contains("zone.yaml:1:1: missing key 'soa'"));
  auto n = errorsOf(dir, "zone: example.test\nsoa:\n  serial: 1\n");
  CHECK_THAT(n, Catch::Contains("missing key 'nameservers'"));
}

TEST_CASE("bad values name the key and the value", "[zones][yaml_zone]") {
  TempDir dir;
  CHECK_THAT(errorsOf(dir, std::string(kHead) + "records:\n  www:\n    A: 192.0.2.300\n"),
             Catch::Contains("zone.yaml:9:8: records.www.A: bad A data '192.0.2.300'"));
  CHECK_THAT(errorsOf(dir, std::string(kHead) + "records:\n  www:\n    ttl: forever\n    A: 192.0.2.1\n"),
             Catch::Contains("zone.yaml:9:10: records.www.ttl: expected a duration such as 500ms, 30s, 5m, 1h30m, 2d or 1w "
                             "(a bare number is seconds), got 'forever'"));
  CHECK_THAT(errorsOf(dir, std::string(kHead) + "records:\n  www.example.com.:\n    A: 192.0.2.1\n"),
             Catch::Contains("owner www.example.com. is outside the zone example.test."));
  CHECK_THAT(errorsOf(dir, "zone: example.test\nttl: 4294967295\nsoa: {}\nnameservers: {ns1: 192.0.2.1}\n"),
             Catch::Contains("zone.yaml:2:6: ttl: 4294967295 is out of range"));
}

TEST_CASE("a YAML syntax error is reported at its position", "[zones][yaml_zone]") {
  TempDir dir;
  CHECK_THAT(errorsOf(dir, std::string(kHead) + "records:\n  www: [unclosed\n"),
             Catch::Contains("zone.yaml:9:1: YAML syntax error"));
}

TEST_CASE("glue is refused for a nameserver outside the zone", "[zones][yaml_zone]") {
  TempDir dir;
  CHECK_THAT(errorsOf(dir, "zone: example.test\nsoa: {}\nnameservers:\n  ns.other.example.: 192.0.2.1\n"),
             Catch::Contains("zone.yaml:4:22: nameservers.ns.other.example.: glue addresses are only"));
}

TEST_CASE("a name or key given twice is an error naming both lines", "[zones][yaml_zone]") {
  TempDir dir;
  CHECK_THAT(errorsOf(dir, std::string(kHead) + "records:\n  www:\n    A: 192.0.2.1\n  www:\n    A: 192.0.2.2\n"),
             Catch::Contains("zone.yaml:10:3: records.www: appears twice (first on line 8)"));
  CHECK_THAT(errorsOf(dir, std::string(kHead) + "ttl: 60\n"), Catch::Contains("zone.yaml:7:1: ttl: appears twice (first on line 2)"));
}

// Found by the yaml_zone fuzz target: a pool region written as a mapping without 'addresses'
// threw yaml-cpp's InvalidNode out of the loader ("invalid node; this may result from using a
// map iterator...") instead of reporting the missing key; an empty zone or CNAME name read
// the byte before the string (and compiled the root zone).
TEST_CASE("a pool region without addresses, and empty zone and CNAME names, are errors where written",
          "[zones][yaml_zone]") {
  TempDir dir;
  std::string errors;
  REQUIRE_NOTHROW(errors = errorsOf(dir, std::string(kHead) + R"(regions: {a: {latitude: 1, longitude: 2}}
pools: {p: {regions: {a: {capacity: 3}}}}
)"));
  CHECK_THAT(errors, Catch::Contains("zone.yaml:8:26: pools.p.regions.a: missing key 'addresses'"));
  CHECK_THAT(errorsOf(dir, "zone: \"\"\nsoa: {serial: 1}\nnameservers: {ns1.example.: 192.0.2.1}\n"),
             Catch::Contains("zone.yaml:1:7: zone: '' is not a valid domain name"));
  CHECK_THAT(errorsOf(dir, std::string(kHead) + R"(regions: {a: {latitude: 1, longitude: 2}}
pools: {p: {regions: {a: {cname: ""}}}}
)"),
             Catch::Contains("pools.p.regions.a.cname: '' is not a domain name"));
}

// Names match in any case (RFC 4343): the fuzzer met 'zone: Example.Test', and glue for a
// nameserver written in lower case was refused as outside the zone.
TEST_CASE("a zone named in capitals compiles in lower case and takes glue in any case", "[zones][yaml_zone]") {
  TempDir dir;
  yaml::Diagnostics d;
  auto zone = loadYamlZone(dir.write("z.yaml", "zone: Example.TEST\nsoa:\n  serial: 1\nnameservers:\n"
                                               "  ns1.example.test.: 192.0.2.1\n  NS2: 192.0.2.2\n"),
                           d);
  INFO(d.report());
  REQUIRE(zone);
  CHECK(wire::nameToText(zone->apex()) == "example.test.");
  CHECK(zone->find(std::string_view("\3ns1\7example\4test\0", 18)));
  CHECK(zone->find(std::string_view("\3ns2\7example\4test\0", 18)));
}

// Found by the fuzzer: the section that does not apply was reported, then read anyway as an
// empty one, which said "expected a mapping" with no line and column.
TEST_CASE("a check section for another kind is one error at its line", "[zones][yaml_zone]") {
  TempDir dir;
  auto e = errorsOf(dir, std::string(kHead) + "checks:\n  healthz:\n    kind: exec\n    exec: {command: [/bin/true]}\n"
                                              "    http: {path: /healthz}\n");
  INFO(e);
  CHECK(e.find("zone.yaml:11:11: checks.healthz.http: 'http' does not apply to a exec check") != std::string::npos);
  CHECK(e.find("expected a mapping") == std::string::npos);
  CHECK(std::count(e.begin(), e.end(), '\n') == 1);
}
