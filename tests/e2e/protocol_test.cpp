// End-to-end protocol behaviour: the real daemon on loopback, answers parsed by ldns.
#include <catch2/catch.hpp>

#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;

namespace {

DaemonProcess& server() {
  static DaemonProcess d(dataPath("e2e/lodestar.yaml"));
  return d;
}

using Lines = std::vector<std::string>;
constexpr int kNoError = 0, kFormErr = 1, kNxDomain = 3, kNotImp = 4, kRefused = 5, kBadVers = 16;
const std::string kSoa = "example.test. 300 SOA ns1.example.test. hostmaster.example.test. 7 3600 600 1209600 300";

}  // namespace

TEST_CASE("authoritative answer: AA set, RD echoed, RA clear, exact sections", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("www.example.test."));
  CHECK(a.qr);
  CHECK(a.aa);
  CHECK(a.rd);
  CHECK_FALSE(a.ra);
  CHECK_FALSE(a.tc);
  CHECK(a.rcode == kNoError);
  CHECK(a.id == 0x4c53);
  CHECK(a.answer == Lines{"www.example.test. 3600 A 192.0.2.80", "www.example.test. 3600 A 192.0.2.81"});
  CHECK(a.authority.empty());
  CHECK(a.additional.empty());
  CHECK_FALSE(a.hasOpt);
}

TEST_CASE("the question's letter case is preserved in question and answer", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("WwW.ExAmPlE.TeSt."));
  CHECK(a.question == Lines{"WwW.ExAmPlE.TeSt. A"});
  CHECK(a.answer.size() == 2);
  CHECK(a.answer[0].rfind("WwW.ExAmPlE.TeSt. 3600 A", 0) == 0);
}

TEST_CASE("names are compressed: answer owners point at the question", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("www.example.test."));
  // header 12 + question (18 + 4); the first answer starts with the pointer C0 0C.
  REQUIRE(a.raw.size() > 36);
  CHECK(a.raw[34] == 0xC0);
  CHECK(a.raw[35] == 0x0C);
  // Two A records, each 2 (pointer) + 10 + 4 bytes.
  CHECK(a.raw.size() == 34 + 2 * 16);
}

TEST_CASE("NXDOMAIN carries the SOA with TTL min(SOA TTL, minimum)", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("missing.example.test."));
  CHECK(a.rcode == kNxDomain);
  CHECK(a.aa);
  CHECK(a.answer.empty());
  CHECK(a.authority == Lines{kSoa});
}

TEST_CASE("NODATA carries the SOA, an empty non-terminal is NODATA, not NXDOMAIN", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("www.example.test.").type("MX"));
  CHECK(a.rcode == kNoError);
  CHECK(a.aa);
  CHECK(a.answer.empty());
  CHECK(a.authority == Lines{kSoa});

  Answer ent = server().ask(QueryBuilder().name("b.c.example.test."));
  CHECK(ent.rcode == kNoError);
  CHECK(ent.answer.empty());
  CHECK(ent.authority == Lines{kSoa});
}

TEST_CASE("CNAME is followed inside the zone", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("chain1.example.test."));
  CHECK(a.rcode == kNoError);
  CHECK(a.aa);
  CHECK(a.answer == Lines{"chain1.example.test. 600 CNAME chain2.example.test.",
                          "chain2.example.test. 600 CNAME www.example.test.",
                          "www.example.test. 3600 A 192.0.2.80", "www.example.test. 3600 A 192.0.2.81"});

  Answer q = server().ask(QueryBuilder().name("alias.example.test.").type("CNAME"));
  CHECK(q.answer == Lines{"alias.example.test. 600 CNAME www.example.test."});
}

TEST_CASE("CNAME to a missing in-zone name is NXDOMAIN, out of zone it stops", "[e2e][protocol]") {
  Answer d = server().ask(QueryBuilder().name("dangling.example.test."));
  CHECK(d.rcode == kNxDomain);
  CHECK(d.answer == Lines{"dangling.example.test. 600 CNAME nothing-here.example.test."});
  CHECK(d.authority == Lines{kSoa});

  Answer away = server().ask(QueryBuilder().name("away.example.test."));
  CHECK(away.rcode == kNoError);
  CHECK(away.answer == Lines{"away.example.test. 600 CNAME www.elsewhere.example."});
  CHECK(away.authority.empty());
}

TEST_CASE("a CNAME loop is cut at a bounded depth", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("loop1.example.test."));
  CHECK(a.rcode == kNoError);
  CHECK(a.answer.size() == 8);
}

TEST_CASE("names outside every zone are REFUSED with no data", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("www.example.com."));
  CHECK(a.rcode == kRefused);
  CHECK_FALSE(a.aa);
  CHECK(a.answer.empty());
  CHECK(a.authority.empty());
  CHECK(a.additional.empty());
  CHECK(a.question == Lines{"www.example.com. A"});
}

TEST_CASE("longest-suffix match picks the most specific zone", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("www.sub.example.test."));
  CHECK(a.aa);
  CHECK(a.answer == Lines{"www.sub.example.test. 60 A 192.0.2.180"});
  Answer n = server().ask(QueryBuilder().name("nope.sub.example.test."));
  CHECK(n.rcode == kNxDomain);
  REQUIRE(n.authority.size() == 1);
  CHECK(n.authority[0].rfind("sub.example.test. 60 SOA", 0) == 0);
}

TEST_CASE("an in-zone delegation is answered as a referral with glue", "[e2e][protocol]") {
  for (std::string name : {"deleg.example.test.", "host.deleg.example.test.", "ns.deleg.example.test."}) {
    INFO(name);
    Answer a = server().ask(QueryBuilder().name(name));
    CHECK(a.rcode == kNoError);
    CHECK_FALSE(a.aa);
    CHECK(a.answer.empty());
    CHECK(a.authority == Lines{"deleg.example.test. 600 NS ns.deleg.example.test.",
                               "deleg.example.test. 600 NS ns.outside.example."});
    CHECK(a.additional == Lines{"ns.deleg.example.test. 600 A 192.0.2.53"});
  }
}

TEST_CASE("every static type is served: SOA NS MX TXT SRV CAA PTR AAAA", "[e2e][protocol]") {
  CHECK(server().ask(QueryBuilder().name("example.test.").type("SOA")).answer == Lines{
      "example.test. 3600 SOA ns1.example.test. hostmaster.example.test. 7 3600 600 1209600 300"});
  CHECK(server().ask(QueryBuilder().name("example.test.").type("NS")).answer ==
        Lines{"example.test. 3600 NS ns1.example.test.", "example.test. 3600 NS ns2.example.test.",
              "example.test. 3600 NS ns.outside.example."});
  CHECK(server().ask(QueryBuilder().name("mx.example.test.").type("MX")).answer ==
        Lines{"mx.example.test. 600 MX 10 mail.example.test."});
  CHECK(server().ask(QueryBuilder().name("Mixed-Case.example.test.").type("TXT")).answer ==
        Lines{"Mixed-Case.example.test. 3600 TXT \"case kept as loaded\""});
  CHECK(server().ask(QueryBuilder().name("srv.example.test.").type("SRV")).answer ==
        Lines{"srv.example.test. 600 SRV 0 5 53 ns1.example.test."});
  CHECK(server().ask(QueryBuilder().name("caa.example.test.").type("CAA")).answer ==
        Lines{"caa.example.test. 600 CAA 0 issue \"ca.example\""});
  CHECK(server().ask(QueryBuilder().name("ptr.example.test.").type("PTR")).answer ==
        Lines{"ptr.example.test. 600 PTR www.example.test."});
  CHECK(server().ask(QueryBuilder().name("ns2.example.test.").type("AAAA")).answer ==
        Lines{"ns2.example.test. 3600 AAAA 2001:db8::2"});
  CHECK(server().ask(QueryBuilder().name("included.example.test.")).answer ==
        Lines{"included.example.test. 120 A 192.0.2.77"});
  CHECK(server().ask(QueryBuilder().name("host.other.example.test.")).answer ==
        Lines{"host.other.example.test. 600 A 192.0.2.44"});
}

TEST_CASE("qtype ANY gets one RRset, never all (RFC 8482)", "[e2e][protocol]") {
  Answer a = server().ask(QueryBuilder().name("www.example.test.").type("ANY"));
  CHECK(a.rcode == kNoError);
  CHECK(a.aa);
  CHECK(a.answer == Lines{"www.example.test. 3600 A 192.0.2.80", "www.example.test. 3600 A 192.0.2.81"});
}

TEST_CASE("opcodes other than QUERY get NOTIMP", "[e2e][protocol]") {
  QueryBuilder q;
  q.flags = 0x2000;  // opcode 4, NOTIFY
  q.name("example.test.");
  Answer a = server().ask(q);
  CHECK(a.rcode == kNotImp);
  CHECK(a.opcode == 4);
  CHECK(a.answer.empty());
  CHECK_FALSE(a.aa);
}

TEST_CASE("malformed queries get FORMERR", "[e2e][protocol]") {
  auto expectFormErr = [](Bytes bytes) {
    auto raw = server().udp(bytes);
    REQUIRE(raw);
    REQUIRE(raw->size() >= 12);
    CHECK(((*raw)[2] & 0x80) != 0);    // QR
    CHECK(((*raw)[3] & 0x0F) == kFormErr);
    CHECK((*raw)[0] == bytes[0]);  // id echoed
    CHECK((*raw)[1] == bytes[1]);
    CHECK((*raw)[6] == 0);  // no answers
    CHECK((*raw)[7] == 0);
  };
  Bytes good = QueryBuilder().name("www.example.test.").bytes();
  SECTION("QDCOUNT 0") {
    Bytes b(good.begin(), good.begin() + 12);
    b[5] = 0;
    expectFormErr(b);
  }
  SECTION("QDCOUNT 2") {
    Bytes b = good;
    b[5] = 2;
    expectFormErr(b);
  }
  SECTION("bad label length (0x40 label type)") {
    Bytes b = good;
    b[12] = 0x43;
    expectFormErr(b);
  }
  SECTION("label running past the end") {
    Bytes b(good.begin(), good.begin() + 14);
    b[12] = 40;
    expectFormErr(b);
  }
  SECTION("compression loop in the question") {
    Bytes b(good.begin(), good.begin() + 12);
    for (uint8_t x : {0xC0, 0x0C, 0, 1, 0, 1}) b.push_back(x);
    expectFormErr(b);
  }
  SECTION("trailing garbage in OPT") {
    QueryBuilder q;
    q.name("www.example.test.").withEdns();
    q.ednsOptions = {0x00, 0x0A, 0x00, 0x08, 1, 2, 3};  // option claims 8 bytes, has 3
    expectFormErr(q.bytes());
  }
  SECTION("two OPT records") {
    QueryBuilder q;
    q.name("www.example.test.").withEdns();
    Bytes b = q.bytes();
    b[11] = 2;
    for (uint8_t x : {0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0}) b.push_back(x);
    expectFormErr(b);
  }
}

TEST_CASE("responses (QR=1) and runts shorter than a header are dropped", "[e2e][protocol]") {
  Bytes b = QueryBuilder().name("www.example.test.").bytes();
  b[2] |= 0x80;
  CHECK_FALSE(server().udp(b, false, std::chrono::milliseconds(300)));
  CHECK_FALSE(server().udp(Bytes{1, 2, 3, 4, 5}, false, std::chrono::milliseconds(300)));
  CHECK(server().ask(QueryBuilder().name("www.example.test.")).rcode == kNoError);  // still serving
}

TEST_CASE("EDNS: OPT answered with payload 1232, unknown options ignored", "[e2e][protocol][edns]") {
  Answer a = server().ask(QueryBuilder().name("www.example.test.").withEdns(4096).option(65001, {1, 2, 3}));
  CHECK(a.rcode == kNoError);
  CHECK(a.hasOpt);
  CHECK(a.udpSize == 1232);
  CHECK(a.answer.size() == 2);
  CHECK_FALSE(a.ecs);
}

TEST_CASE("EDNS version above 0 gets BADVERS with an OPT", "[e2e][protocol][edns]") {
  QueryBuilder q;
  q.name("www.example.test.").withEdns();
  q.ednsVersion = 1;
  Answer a = server().ask(q);
  CHECK(a.rcode == kBadVers);
  CHECK(a.hasOpt);
  CHECK(a.answer.empty());
}

TEST_CASE("over-size answers are truncated with TC, TCP gets them whole", "[e2e][protocol][edns]") {
  // Twelve 205-byte TXT records: about 2.6 KB.
  Answer plain = server().ask(QueryBuilder().name("big.example.test.").type("TXT"));
  CHECK(plain.tc);
  CHECK(plain.aa);
  CHECK(plain.answer.empty());
  CHECK(plain.raw.size() <= 512);

  Answer edns = server().ask(QueryBuilder().name("big.example.test.").type("TXT").withEdns(4096));
  CHECK(edns.tc);  // our UDP limit is 1232 whatever the client offers
  CHECK(edns.hasOpt);
  CHECK(edns.raw.size() <= 1232);

  Answer tcp = server().askTcp(QueryBuilder().name("big.example.test.").type("TXT"));
  CHECK_FALSE(tcp.tc);
  CHECK(tcp.answer.size() == 12);
}

TEST_CASE("a small EDNS payload is honoured", "[e2e][protocol][edns]") {
  // Five records fit in 1232 but not in 600.
  Answer small = server().ask(QueryBuilder().name("example.test.").type("NS").withEdns(600));
  CHECK_FALSE(small.tc);
  Answer tiny = server().ask(QueryBuilder().name("big.example.test.").type("TXT").withEdns(600));
  CHECK(tiny.tc);
  CHECK(tiny.raw.size() <= 600);
}

TEST_CASE("ECS is echoed with scope 0 for static answers", "[e2e][protocol][ecs]") {
  Answer a = server().ask(QueryBuilder().name("www.example.test.").ecs("198.51.100.0/24"));
  CHECK(a.rcode == kNoError);
  REQUIRE(a.ecs);
  CHECK(a.ecs->family == 1);
  CHECK(a.ecs->source == 24);
  CHECK(a.ecs->scope == 0);
  CHECK(a.ecs->address == Bytes{198, 51, 100});

  Answer v6 = server().ask(QueryBuilder().name("www.example.test.").ecs("2001:db8:100::/48"));
  REQUIRE(v6.ecs);
  CHECK(v6.ecs->family == 2);
  CHECK(v6.ecs->source == 48);
  CHECK(v6.ecs->address == Bytes{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00});
}

TEST_CASE("malformed ECS gets FORMERR", "[e2e][protocol][ecs]") {
  auto formerr = [](const Bytes& ecsData) {
    Answer a = server().ask(QueryBuilder().name("www.example.test.").option(8, ecsData));
    CHECK(a.rcode == kFormErr);
    CHECK(a.answer.empty());
    CHECK_FALSE(a.ecs);
  };
  SECTION("unknown family") { formerr({0, 3, 24, 0, 198, 51, 100}); }
  SECTION("prefix longer than the address") { formerr({0, 1, 33, 0, 198, 51, 100, 1, 0}); }
  SECTION("non-zero bits past the prefix") { formerr({0, 1, 20, 0, 198, 51, 100}); }
  SECTION("address longer than the prefix needs") { formerr({0, 1, 8, 0, 198, 51}); }
  SECTION("option too short") { formerr({0, 1}); }
}

TEST_CASE("TCP: several pipelined queries on one connection are all answered in order", "[e2e][tcp]") {
  std::vector<Bytes> queries;
  for (uint16_t i = 0; i < 20; ++i) {
    QueryBuilder q;
    q.id = i;
    q.name(i % 2 ? "www.example.test." : "missing.example.test.");
    queries.push_back(q.bytes());
  }
  auto answers = server().tcp(queries);
  REQUIRE(answers.size() == 20);
  for (uint16_t i = 0; i < 20; ++i) {
    auto a = parseAnswer(answers[i]);
    REQUIRE(a);
    CHECK(a->id == i);
    CHECK(a->rcode == (i % 2 ? kNoError : kNxDomain));
  }
}
