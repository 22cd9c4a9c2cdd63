// Wildcards (RFC 4592) on the answer path: a name that does not exist is answered by its
// closest encloser's "*" child, with the qname as owner; names that exist, empty
// non-terminals and names under another existing name are not; NODATA and CNAME at a
// wildcard; names in the wildcard's data compressed against the qname; a steered wildcard.
// (Allocations: tests/unit/engine/allocation_test.cpp; signed: tests/unit/dnssec/.)
#include <catch2/catch.hpp>

#include "dns/engine/answer.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/engine_call.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;

namespace {

const char* kZone = R"(zone: wild.test
ttl: 300
soa: {mname: ns1, rname: hostmaster, serial: 1, minimum: 60}
nameservers: {ns1: 192.0.2.1}
regions: {east: ~, west: ~}
pools:
  web: {regions: {east: [192.0.2.11], west: [192.0.2.22]}}
records:
  "*": {TXT: apex wildcard}
  "*.cdn": {A: 192.0.2.50, MX: "10 mail.wild.test."}
  exact.cdn: {A: 192.0.2.51}
  deep.ent.cdn: {A: 192.0.2.52}
  "*.alias": {CNAME: exact.cdn}
  "*.mx": {MX: 10 host.mx, TXT: under mx}
  host.mx: {A: 192.0.2.53}
  pointer: {CNAME: gone.cdn}
  "*.edge": {steer: {policy: failover, pool: web, order: [west, east], ttl: 20}}
  mail: {A: 192.0.2.25}
)";

struct World {
  test::TempDir dir;
  std::unique_ptr<zones::View> view;
  World() {
    dir.write("zones/wild.test.yaml", kZone);
    yaml::Diagnostics d;
    view = zones::loadView({dir.path() + "/zones"}, nullptr, d);
    if (!view) FAIL(d.report());
  }
};

const World& world() {
  static World w;
  return w;
}

test::Answer ask(const std::string& name, const char* type = "A") {
  auto parsed = test::askView(*world().view, name, type);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("wildcard: a name that does not exist gets the wildcard's records, owned by the name", "[engine][wildcard]") {
  auto a = ask("img.cdn.wild.test.");
  CHECK(a.rcode == 0);
  CHECK(a.aa);
  CHECK(a.answer == std::vector<std::string>{"img.cdn.wild.test. 300 A 192.0.2.50"});
  // Any depth below the closest encloser (RFC 4592 2.2.1: cdn.wild.test. for a.b.cdn).
  CHECK(ask("a.b.cdn.wild.test.").answer == std::vector<std::string>{"a.b.cdn.wild.test. 300 A 192.0.2.50"});
  // The case of the question is kept in the owner, as for every answer.
  CHECK(ask("IMG.cdn.wild.test.").answer == std::vector<std::string>{"IMG.cdn.wild.test. 300 A 192.0.2.50"});
  CHECK(ask("img.cdn.wild.test.", "MX").answer == std::vector<std::string>{"img.cdn.wild.test. 300 MX 10 mail.wild.test."});
  // The apex's wildcard, for names directly under the apex only when nothing closer exists.
  CHECK(ask("anything.wild.test.", "TXT").answer ==
        std::vector<std::string>{"anything.wild.test. 300 TXT \"apex wildcard\""});
}

TEST_CASE("wildcard: names that exist, empty non-terminals and their descendants are not matched", "[engine][wildcard]") {
  CHECK(ask("exact.cdn.wild.test.").answer == std::vector<std::string>{"exact.cdn.wild.test. 300 A 192.0.2.51"});
  // ent.cdn exists as an empty non-terminal: NODATA for it, and x.ent.cdn has ent.cdn as its
  // closest encloser, which has no wildcard: NXDOMAIN (RFC 4592 2.2.2).
  auto ent = ask("ent.cdn.wild.test.");
  CHECK(ent.rcode == 0);
  CHECK(ent.answer.empty());
  auto below = ask("x.ent.cdn.wild.test.");
  CHECK(below.rcode == 3);
  CHECK(below.answer.empty());
  CHECK(below.authority.size() == 1);
  // Below an existing name with data: its own closest encloser, no wildcard there.
  CHECK(ask("x.exact.cdn.wild.test.").rcode == 3);
  CHECK(ask("x.mail.wild.test.").rcode == 3);
  // The wildcard's own name answers as any name.
  CHECK(ask("*.cdn.wild.test.").answer == std::vector<std::string>{"*.cdn.wild.test. 300 A 192.0.2.50"});
}

TEST_CASE("wildcard: NODATA at a wildcard, and CNAME at and to one", "[engine][wildcard]") {
  auto nodata = ask("img.cdn.wild.test.", "AAAA");
  CHECK(nodata.rcode == 0);
  CHECK(nodata.answer.empty());
  REQUIRE(nodata.authority.size() == 1);
  CHECK_THAT(nodata.authority[0], Catch::StartsWith("wild.test. 60 SOA"));
  // A CNAME at a wildcard, followed inside the zone.
  CHECK(ask("x.alias.wild.test.").answer ==
        std::vector<std::string>{"x.alias.wild.test. 300 CNAME exact.cdn.wild.test.",
                                 "exact.cdn.wild.test. 300 A 192.0.2.51"});
  // A CNAME whose target does not exist but a wildcard covers it.
  CHECK(ask("pointer.wild.test.").answer ==
        std::vector<std::string>{"pointer.wild.test. 300 CNAME gone.cdn.wild.test.", "gone.cdn.wild.test. 300 A 192.0.2.50"});
}

TEST_CASE("wildcard: record data naming a name beside the wildcard points at the right bytes", "[engine][wildcard]") {
  // The MX target shares "mx.wild.test." with the wildcard's owner, not only the apex: the
  // set rendered at load points into its owner's labels, which the qname's are not.
  CHECK(ask("a.mx.wild.test.", "MX").answer == std::vector<std::string>{"a.mx.wild.test. 300 MX 10 host.mx.wild.test."});
  CHECK(ask("longer-name.mx.wild.test.", "MX").answer ==
        std::vector<std::string>{"longer-name.mx.wild.test. 300 MX 10 host.mx.wild.test."});
  CHECK(ask("*.mx.wild.test.", "MX").answer == std::vector<std::string>{"*.mx.wild.test. 300 MX 10 host.mx.wild.test."});
}

TEST_CASE("wildcard: a steered wildcard steers every name under it", "[engine][wildcard][steering]") {
  CHECK(ask("a.edge.wild.test.").answer == std::vector<std::string>{"a.edge.wild.test. 20 A 192.0.2.22"});
  CHECK(ask("b.c.edge.wild.test.").answer == std::vector<std::string>{"b.c.edge.wild.test. 20 A 192.0.2.22"});
}

TEST_CASE("wildcard: misplaced stars and wildcard delegations are refused with the place",
          "[engine][wildcard][zones]") {
  auto load = [](const std::string& records) {
    test::TempDir dir;
    dir.write("zones/z.yaml", "zone: bad.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.1}\nrecords:\n" + records);
    yaml::Diagnostics d;
    auto v = zones::loadView({dir.path() + "/zones"}, nullptr, d);
    return std::make_pair(v != nullptr, d.report());
  };
  auto inner = load("  \"a.*.b\": {A: 192.0.2.1}\n");
  CHECK_FALSE(inner.first);
  CHECK_THAT(inner.second, Catch::Contains("z.yaml:5:"));
  CHECK_THAT(inner.second, Catch::Contains("a '*' label is a wildcard only as the leftmost label (RFC 4592)"));
  auto delegated = load("  \"*.kids\": {NS: ns.elsewhere.example.}\n");
  CHECK_FALSE(delegated.first);
  CHECK_THAT(delegated.second, Catch::Contains("wildcard *.kids.bad.test. cannot be a delegation point"));
  CHECK(load("  \"*.ok\": {A: 192.0.2.1}\n").first);
  // A signed zone takes wildcards too: tests/unit/dnssec/wildcard_signing_test.cpp.
}
