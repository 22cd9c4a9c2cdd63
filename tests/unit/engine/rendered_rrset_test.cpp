// RRsets rendered at load and written with one copy and their pointer fix-ups must be byte
// for byte what the writer's own compression gives wherever the owner is the question (every
// type with names, names inside the zone sharing labels with the owner, outside it, sharing
// with each other, mixed case), truncate where it does, leave the writer to do it where the
// owner is a pointer that the set's pointers cannot go through, and leave their names as
// compression targets for names written after them.
#include <catch2/catch.hpp>

#include <cctype>
#include <vector>

#include "dns/engine/response.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/query.hpp"
#include "tests/support/dns_message.hpp"
#include "zones/wire_record.hpp"
#include "zones/zone.hpp"

using namespace lodestar;

namespace {

const std::string kApexText = "gtm.example.test";

std::string name(const std::string& text) {
  auto bytes = test::wireName(text);
  return std::string(bytes.begin(), bytes.end());
}

std::string soaRdata(const std::string& mname, const std::string& rname) {
  std::string out = name(mname) + name(rname);
  for (uint32_t v : {2026120101u, 3600u, 600u, 1209600u, 60u})
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
  return out;
}

std::string mxRdata(uint16_t preference, const std::string& exchange) {
  return std::string{static_cast<char>(preference >> 8), static_cast<char>(preference & 0xFF)} + name(exchange);
}

// What the sets below point into, as a zone's arena would be.
zones::Arena& arena() {
  static zones::Arena kept;
  return kept;
}

zones::Span<std::string_view> keep(const std::vector<std::string>& rdata) {
  std::vector<std::string_view> views;
  for (const auto& rd : rdata) views.push_back(arena().copy(rd));
  return arena().copy(views.data(), views.size());
}

zones::RRset set(uint16_t type, const std::vector<std::string>& rdata, const std::string& ownerText) {
  zones::RRset s{type, 0, 300, zones::RdataList::pack(rdata, arena()), {}};
  s.wire = zones::WireRecord::render(name(kApexText), name(ownerText), type, s.ttl, keep(rdata), arena());
  return s;
}

struct Message {
  wire::Query q{};
  test::Bytes query;
  std::vector<uint8_t> out = std::vector<uint8_t>(4096);
  std::optional<engine::Response> r;

  explicit Message(const std::string& qname, size_t limit = 1232) {
    query = test::QueryBuilder().name(qname).withEdns().bytes();
    REQUIRE(wire::parseQuery(query.data(), query.size(), q) == wire::ParseResult::Ok);
    r.emplace(out.data(), out.size(), q);
    r->begin(limit);
    r->setAuthoritative();
  }
  size_t apexOffset() const { return r->qnameOffsetOf(name(kApexText)); }
  test::Bytes finish() {
    out.resize(r->finish());
    return out;
  }
};

// The set answered for `qname` (its owner): rendered, or field by field by the writer.
test::Bytes answer(const std::string& qname, const zones::RRset& s, bool rendered, size_t limit = 1232) {
  Message m(qname, limit);
  if (rendered) {
    CHECK((m.r->rrset(engine::Answer, engine::kQuestionOffset, m.apexOffset(), {}, s) || m.r->truncated()));
  } else {
    m.r->rrset(engine::Answer, engine::kQuestionOffset, {}, s, s.ttl);
  }
  return m.finish();
}

}  // namespace

TEST_CASE("a rendered RRset is byte for byte the writer's own when its owner is the question",
          "[engine][response][rendered]") {
  struct Case {
    const char* what;
    std::string owner;
    uint16_t type;
    std::vector<std::string> rdata;
  };
  const std::vector<Case> cases = {
      {"CNAME in the zone", "alias.gtm.example.test", wire::rrtype::CNAME, {name("static.gtm.example.test")}},
      {"CNAME sharing labels below the apex", "a.b.gtm.example.test", wire::rrtype::CNAME, {name("c.b.gtm.example.test")}},
      {"CNAME to the apex", "alias.gtm.example.test", wire::rrtype::CNAME, {name("gtm.example.test")}},
      {"CNAME outside", "alias.gtm.example.test", wire::rrtype::CNAME, {name("www.example.net")}},
      {"CNAME sharing part of the apex", "alias.gtm.example.test", wire::rrtype::CNAME, {name("cdn.example.test")}},
      {"CNAME in mixed case", "alias.gtm.example.test", wire::rrtype::CNAME, {name("Static.GTM.Example.test")}},
      {"NS set sharing a suffix", "child.gtm.example.test", wire::rrtype::NS,
       {name("ns1.provider.net"), name("ns2.provider.net"), name("ns.child.gtm.example.test")}},
      {"MX set", "gtm.example.test", wire::rrtype::MX,
       {mxRdata(10, "mx1.gtm.example.test"), mxRdata(20, "mx2.mail.example.net"), mxRdata(30, "mx3.mail.example.net")}},
      {"PTR below its owner", "10.2.0.192.in-addr.gtm.example.test", wire::rrtype::PTR,
       {name("host.2.0.192.in-addr.gtm.example.test")}},
      {"SOA", "gtm.example.test", wire::rrtype::SOA,
       {soaRdata("ns1.gtm.example.test", "hostmaster.gtm.example.test")}},
      {"SOA outside", "gtm.example.test", wire::rrtype::SOA, {soaRdata("ns1.dns-provider.net", "ops.dns-provider.net")}},
      {"A set", "static.gtm.example.test", wire::rrtype::A, {std::string("\xC0\x00\x02\x0A", 4), std::string("\xC0\x00\x02\x0B", 4)}},
      {"TXT", "gtm.example.test", wire::rrtype::TXT, {std::string("\x05hello", 6)}},
      // One record without names: rendered straight into the arena (most of a big zone).
      {"one A", "h1.gtm.example.test", wire::rrtype::A, {std::string("\x0A\x00\x00\x01", 4)}},
      {"one AAAA", "h1.gtm.example.test", wire::rrtype::AAAA, {std::string(15, '\0') + "\x01"}},
  };
  for (const Case& c : cases) {
    std::string upper = c.owner;
    upper[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[0])));
    for (const std::string& qname : {c.owner, upper}) {  // the question's own case is echoed
      INFO(c.what << " for " << qname);
      const zones::RRset s = set(c.type, c.rdata, c.owner);
      REQUIRE(!s.wire.bytes().empty());
      auto generic = answer(qname, s, false);
      auto fast = answer(qname, s, true);
      CHECK(fast == generic);
      auto parsed = test::parseAnswer(fast);
      REQUIRE(parsed);
      CHECK(parsed->answer.size() == c.rdata.size());
    }
  }
}

TEST_CASE("the rendered negative SOA is byte for byte the writer's own", "[engine][response][rendered]") {
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
    const std::string rdata = soaRdata(m, r);
    const zones::RRset soa = set(wire::rrtype::SOA, {rdata}, kApexText);
    const auto negative = zones::WireRecord::render(name(kApexText), name(kApexText), wire::rrtype::SOA, 60, keep({rdata}), arena());
    for (const std::string qname : {"nope.gtm.example.test", "GTM.Example.test", "a.b.c.gtm.example.test"}) {
      INFO(m << " " << r << " for " << qname);
      Message generic(qname), fast(qname);
      generic.r->rrset(engine::Authority, generic.apexOffset(), {}, soa, 60);
      CHECK(fast.r->prerendered(engine::Authority, negative, fast.apexOffset(), fast.apexOffset()));
      auto bytes = fast.finish();
      CHECK(bytes == generic.finish());
      auto parsed = test::parseAnswer(bytes);
      REQUIRE(parsed);
      REQUIRE(parsed->authority.size() == 1);
      CHECK_THAT(parsed->authority[0], Catch::Contains("SOA"));
    }
  }
}

TEST_CASE("a rendered RRset truncates where the field-by-field one does", "[engine][response][rendered]") {
  const zones::RRset ns = set(wire::rrtype::NS, {name("ns1.provider.net"), name("ns2.provider.net")}, "child.gtm.example.test");
  for (size_t limit = 40; limit < 140; ++limit) {
    INFO("limit " << limit);
    CHECK(answer("child.gtm.example.test", ns, true, limit) == answer("child.gtm.example.test", ns, false, limit));
  }
}

TEST_CASE("a rendered RRset after a CNAME: pointers through the owner only where it is labels",
          "[engine][response][rendered]") {
  // alias CNAME a.b.gtm.example.test; the target's MX points into its owner's labels below
  // the apex (b.gtm...), which the CNAME wrote as "a" + a pointer: the writer must write it.
  const zones::RRset cname = set(wire::rrtype::CNAME, {name("a.b.gtm.example.test")}, "alias.gtm.example.test");
  const zones::RRset mxIntoOwner = set(wire::rrtype::MX, {mxRdata(10, "mx.b.gtm.example.test")}, "a.b.gtm.example.test");
  const zones::RRset mxIntoApex = set(wire::rrtype::MX, {mxRdata(10, "mx.gtm.example.test")}, "a.b.gtm.example.test");
  REQUIRE(mxIntoOwner.wire.intoOwner);
  REQUIRE(!mxIntoApex.wire.intoOwner);
  for (const zones::RRset* target : {&mxIntoOwner, &mxIntoApex}) {
    Message m("alias.gtm.example.test");
    REQUIRE(m.r->rrset(engine::Answer, engine::kQuestionOffset, m.apexOffset(), {}, cname));
    const size_t owner = m.r->lastRdataName();
    REQUIRE(owner > engine::kQuestionOffset);
    const bool rendered = m.r->prerendered(engine::Answer, target->wire, owner, m.apexOffset());
    CHECK(rendered == (target == &mxIntoApex));
    if (!rendered) REQUIRE(m.r->rrset(engine::Answer, owner, m.apexOffset(), name("a.b.gtm.example.test"), *target));
    auto parsed = test::parseAnswer(m.finish());
    REQUIRE(parsed);
    REQUIRE(parsed->answer.size() == 2);
    CHECK(parsed->answer[0] == "alias.gtm.example.test. 300 CNAME a.b.gtm.example.test.");
    CHECK(parsed->answer[1] == std::string("a.b.gtm.example.test. 300 MX 10 ") +
                                   (target == &mxIntoApex ? "mx.gtm.example.test." : "mx.b.gtm.example.test."));
  }
}

TEST_CASE("names after a rendered RRset point into it", "[engine][response][rendered]") {
  // A referral: the NS set rendered, then the glue's owner written by name, which the writer
  // compresses against the NS target just as it would had it written the NS set itself.
  const zones::RRset ns = set(wire::rrtype::NS, {name("ns.child.gtm.example.test"), name("ns.elsewhere.net")}, "child.gtm.example.test");
  const zones::RRset glue{wire::rrtype::A, 0, 300, zones::RdataList::pack(std::vector<std::string>{std::string("\xC0\x00\x02\x35", 4)}, arena()), {}};
  auto referral = [&](bool rendered) {
    Message m("www.child.gtm.example.test");
    const size_t cut = m.r->qnameOffsetOf(name("child.gtm.example.test"));
    if (rendered) REQUIRE(m.r->rrset(engine::Authority, cut, m.apexOffset(), {}, ns));
    else REQUIRE(m.r->rrset(engine::Authority, cut, {}, ns, ns.ttl));
    m.r->rrset(engine::Additional, 0, name("ns.child.gtm.example.test"), glue, glue.ttl);
    return m.finish();
  };
  auto fast = referral(true);
  CHECK(fast == referral(false));
  auto parsed = test::parseAnswer(fast);
  REQUIRE(parsed);
  REQUIRE(parsed->additional.size() == 1);  // the glue (OPT is read apart)
  CHECK_THAT(parsed->additional[0], Catch::StartsWith("ns.child.gtm.example.test."));
}

TEST_CASE("an RRset too large for its pointers is left to the writer", "[engine][response][rendered]") {
  std::vector<std::string> texts;
  for (int i = 0; i < 400; ++i) texts.push_back(std::string(1, char(40)) + std::string(40, 'a' + i % 26));
  CHECK(set(wire::rrtype::TXT, texts, "gtm.example.test").wire.bytes().empty());
  CHECK(!set(wire::rrtype::TXT, {texts.front()}, "gtm.example.test").wire.bytes().empty());
}
