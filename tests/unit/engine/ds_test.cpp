// DS questions when a parent and its child are both served here: the DS set at the child's
// apex is the parent's data (RFC 4035 3.1.4.1), answered from the parent's delegation with
// the parent's SOA in a denial; every other question at the child's apex is the child's.
#include <catch2/catch.hpp>

#include "dns/engine/answer.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/engine_call.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;

namespace {

struct World {
  test::TempDir dir;
  std::unique_ptr<zones::View> view;
  World() {
    dir.write("zones/parent.test.yaml",
              "zone: parent.test\nttl: 300\nsoa: {mname: ns1, rname: hostmaster, serial: 11, minimum: 60}\n"
              "nameservers: {ns1: 192.0.2.1}\n"
              "records:\n"
              "  child: {NS: ns.child, DS: 12345 13 2 3D9F1A2B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7}\n"
              "  ns.child: {A: 192.0.2.53}\n"
              "  nods: {NS: ns.nods}\n"
              "  ns.nods: {A: 192.0.2.54}\n");
    dir.write("zones/child.parent.test.yaml",
              "zone: child.parent.test\nttl: 300\nsoa: {mname: ns, rname: hostmaster, serial: 22, minimum: 60}\n"
              "nameservers: {ns: 192.0.2.53}\nrecords:\n  www: {A: 192.0.2.80}\n");
    dir.write("zones/nods.parent.test.yaml",
              "zone: nods.parent.test\nttl: 300\nsoa: {mname: ns, rname: hostmaster, serial: 33, minimum: 60}\n"
              "nameservers: {ns: 192.0.2.54}\n");
    dir.write("zones/alone.test.yaml",
              "zone: alone.test\nttl: 300\nsoa: {mname: ns, rname: hostmaster, serial: 44, minimum: 60}\n"
              "nameservers: {ns: 192.0.2.55}\n");
    yaml::Diagnostics d;
    view = zones::loadView({dir.path() + "/zones"}, nullptr, d);
    if (!view) FAIL(d.report());
  }
};

const World& world() {
  static World w;
  return w;
}

test::Answer ask(const std::string& name, const char* type) {
  auto parsed = test::askView(*world().view, name, type);
  REQUIRE(parsed);
  return *parsed;
}

bool authorityHasSoaOf(const test::Answer& a, const std::string& apex) {
  for (const auto& rr : a.authority)
    if (rr.rfind(apex + " ", 0) == 0 && rr.find(" SOA ") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("ds: a DS question at a child's apex is answered by its parent, served here too", "[engine][ds]") {
  auto ds = ask("child.parent.test.", "DS");
  INFO(ds.answer.size());
  CHECK(ds.rcode == 0);
  CHECK(ds.aa);
  REQUIRE(ds.answer.size() == 1);
  CHECK(ds.answer[0].rfind("child.parent.test. 300 DS 12345 13 2 ", 0) == 0);
  // Every other type at the child's apex is still the child's.
  auto soa = ask("child.parent.test.", "SOA");
  REQUIRE(soa.answer.size() == 1);
  CHECK(soa.answer[0].find(" 22 ") != std::string::npos);
  // So is a DS question below the child's apex (no DS there: NODATA from the child).
  auto below = ask("www.child.parent.test.", "DS");
  CHECK(below.rcode == 0);
  CHECK(below.answer.empty());
  CHECK(authorityHasSoaOf(below, "child.parent.test."));
}

TEST_CASE("ds: a delegation without DS is NODATA with the parent's SOA, a zone without a parent here its own",
          "[engine][ds]") {
  auto nods = ask("nods.parent.test.", "DS");
  CHECK(nods.rcode == 0);
  CHECK(nods.aa);
  CHECK(nods.answer.empty());
  CHECK(authorityHasSoaOf(nods, "parent.test."));
  // The parent of alone.test (test.) is not served: the zone answers for itself, NODATA.
  auto alone = ask("alone.test.", "DS");
  CHECK(alone.rcode == 0);
  CHECK(alone.answer.empty());
  CHECK(authorityHasSoaOf(alone, "alone.test."));
  // Not ours at all: REFUSED, as any question outside our zones.
  CHECK(ask("example.org.", "DS").rcode == 5);
}

TEST_CASE("ds: the types beside DS in the engine's rare-question test are answered as before", "[engine][ds]") {
  // APL (42) lies between OPT (41: FORMERR) and DS in that test: an ordinary type, NODATA here.
  auto apl = ask("www.child.parent.test.", "APL");
  CHECK(apl.rcode == 0);
  CHECK(apl.aa);
  CHECK(apl.answer.empty());
  CHECK(authorityHasSoaOf(apl, "child.parent.test."));
  CHECK(ask("nowhere.child.parent.test.", "APL").rcode == 3);
  CHECK(ask("www.child.parent.test.", "OPT").rcode == 1);
  CHECK(ask("child.parent.test.", "A").rcode == 0);
}
