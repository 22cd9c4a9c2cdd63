// The SOA of negative answers, rendered at load and written with one copy, must be byte for
// byte what the writer's own compression gives, for every shape of SOA names: inside the
// zone, sharing only part of the apex, outside it sharing a suffix with each other, nothing
// shared, and mixed case; and it must truncate as the record written field by field does.
#include <catch2/catch.hpp>

#include <vector>

#include "dns/engine/response.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/query.hpp"
#include "tests/support/dns_message.hpp"
#include "zones/wire_record.hpp"
#include "zones/zone.hpp"

using namespace lodestar;

namespace {

std::string soaRdata(const std::string& mname, const std::string& rname) {
  auto m = test::wireName(mname), r = test::wireName(rname);
  std::string out(m.begin(), m.end());
  out.append(r.begin(), r.end());
  for (uint32_t v : {2026120101u, 3600u, 600u, 1209600u, 60u})
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
  return out;
}

test::Bytes render(const std::string& qname, const std::string& apexText, const std::string& rdata, bool prerendered,
                   size_t limit = 1232) {
  auto query = test::QueryBuilder().name(qname).withEdns().bytes();
  wire::Query q;
  REQUIRE(wire::parseQuery(query.data(), query.size(), q) == wire::ParseResult::Ok);
  auto apexBytes = test::wireName(apexText);
  std::string apex(apexBytes.begin(), apexBytes.end());
  std::vector<uint8_t> out(4096);
  engine::Response r(out.data(), out.size(), q);
  r.begin(limit);
  r.setAuthoritative();
  r.setRcode(wire::Rcode::NxDomain);
  const size_t apexOffset = r.qnameOffsetOf(apex);
  if (prerendered) {
    r.prerendered(engine::Authority, zones::WireRecord::soa(apex, rdata, 60), apexOffset);
  } else {
    zones::RRset set{wire::rrtype::SOA, 300, {rdata}};
    r.rrset(engine::Authority, apexOffset, {}, set, 60);
  }
  out.resize(r.finish());
  return out;
}

}  // namespace

TEST_CASE("the pre-rendered negative SOA is byte for byte the writer's own", "[engine][response][negative]") {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"ns1.gtm.example.test", "hostmaster.gtm.example.test"},  // inside the zone
      {"gtm.example.test", "gtm.example.test"},                 // the apex itself, twice
      {"ns.example.test", "admin.example.test"},                // part of the apex's suffix
      {"ns1.dns-provider.net", "ops.dns-provider.net"},         // outside, sharing a suffix
      {"a.one.org", "b.two.net"},                               // nothing shared
      {"NS1.GTM.Example.TEST", "Hostmaster.gtm.EXAMPLE.test"},  // case differs
      {"ns1.gtm.example.test", "dns.ns1.gtm.example.test"},     // rname below mname
  };
  for (const auto& [m, r] : names) {
    for (const std::string qname : {"nope.gtm.example.test", "GTM.Example.test", "a.b.c.gtm.example.test"}) {
      INFO(m << " " << r << " for " << qname);
      const std::string rdata = soaRdata(m, r);
      auto generic = render(qname, "gtm.example.test", rdata, false);
      auto fast = render(qname, "gtm.example.test", rdata, true);
      CHECK(fast == generic);
      auto parsed = test::parseAnswer(fast);
      REQUIRE(parsed);
      REQUIRE(parsed->authority.size() == 1);
      CHECK_THAT(parsed->authority[0], Catch::Contains("SOA"));
    }
  }
}

TEST_CASE("the pre-rendered negative SOA truncates where the field-by-field one does", "[engine][response][negative]") {
  const std::string rdata = soaRdata("ns1.gtm.example.test", "hostmaster.gtm.example.test");
  for (size_t limit = 40; limit < 140; ++limit) {
    INFO("limit " << limit);
    CHECK(render("nope.gtm.example.test", "gtm.example.test", rdata, true, limit) ==
          render("nope.gtm.example.test", "gtm.example.test", rdata, false, limit));
  }
}
