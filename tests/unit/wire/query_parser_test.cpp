// The query parser's decisions: drop, FORMERR, NOTIMP, OPT, ECS and COOKIE fields.
#include <catch2/catch.hpp>

#include "dns/wire/query.hpp"
#include "tests/support/dns_message.hpp"

using namespace lodestar;
using lodestar::test::Bytes;
using lodestar::test::QueryBuilder;

namespace {
wire::ParseResult parse(const Bytes& b, wire::Query& q) { return wire::parseQuery(b.data(), b.size(), q); }
}  // namespace

TEST_CASE("a plain query parses with its header and question", "[wire][query]") {
  wire::Query q{};
  REQUIRE(parse(QueryBuilder().name("WWW.Example.test.").type("AAAA").bytes(), q) == wire::ParseResult::Ok);
  CHECK(q.id == 0x4c53);
  CHECK(q.recursionDesired());
  CHECK(q.qtype == wire::rrtype::AAAA);
  CHECK(q.qclass == 1);
  CHECK(q.qname.view() == std::string_view("\3WWW\7Example\4test\0", 18));
  CHECK(q.qnameLower.view() == std::string_view("\3www\7example\4test\0", 18));
  CHECK_FALSE(q.hasEdns);
  CHECK(q.udpPayload == 512);
}

TEST_CASE("runts and responses are dropped", "[wire][query]") {
  wire::Query q{};
  CHECK(parse(Bytes(11, 0), q) == wire::ParseResult::Drop);
  Bytes b = QueryBuilder().bytes();
  b[2] |= 0x80;
  CHECK(parse(b, q) == wire::ParseResult::Drop);
}

TEST_CASE("opcodes other than QUERY are NOTIMP, with the question kept when readable", "[wire][query]") {
  QueryBuilder qb;
  qb.flags = 0x2800;  // opcode 5, UPDATE
  wire::Query q{};
  CHECK(parse(qb.bytes(), q) == wire::ParseResult::NotImp);
  CHECK(q.opcode == 5);
  CHECK(q.hasQuestion);
}

TEST_CASE("EDNS fields are read, a payload under 512 counts as 512", "[wire][query][edns]") {
  wire::Query q{};
  REQUIRE(parse(QueryBuilder().withEdns(4096).bytes(), q) == wire::ParseResult::Ok);
  CHECK(q.hasEdns);
  CHECK(q.udpPayload == 4096);
  CHECK(q.ednsVersion == 0);
  REQUIRE(parse(QueryBuilder().withEdns(100).bytes(), q) == wire::ParseResult::Ok);
  CHECK(q.udpPayload == 512);
  QueryBuilder v1 = QueryBuilder().withEdns();
  v1.ednsVersion = 1;
  REQUIRE(parse(v1.bytes(), q) == wire::ParseResult::Ok);
  CHECK(q.ednsVersion == 1);
}

TEST_CASE("an OPT with a non-root owner is FORMERR", "[wire][query][edns]") {
  Bytes b = QueryBuilder().withEdns().bytes();
  // Replace the OPT's root owner by "a." (the OPT starts right after the question).
  size_t opt = 12 + 18 + 4;
  b[opt] = 1;
  b.insert(b.begin() + static_cast<long>(opt) + 1, {'a', 0});
  wire::Query q{};
  CHECK(parse(b, q) == wire::ParseResult::FormErr);
}

TEST_CASE("ECS is validated as RFC 7871 asks", "[wire][query][ecs]") {
  wire::Query q{};
  REQUIRE(parse(QueryBuilder().ecs("198.51.100.0/24").bytes(), q) == wire::ParseResult::Ok);
  REQUIRE(q.hasEcs);
  CHECK(q.ecs.family == lodestar::wire::Family::IPv4);
  CHECK(q.ecs.sourcePrefix == 24);
  CHECK(q.ecs.address.bytes[0] == 198);
  CHECK(q.ecs.address.bytes[3] == 0);

  REQUIRE(parse(QueryBuilder().ecs("2001:db8:200::/48").bytes(), q) == wire::ParseResult::Ok);
  CHECK(q.ecs.family == lodestar::wire::Family::IPv6);
  CHECK(q.ecs.sourcePrefix == 48);

  REQUIRE(parse(QueryBuilder().ecs("0.0.0.0/0").bytes(), q) == wire::ParseResult::Ok);
  CHECK(q.ecs.sourcePrefix == 0);  // "do not use my subnet"

  auto bad = [&](const Bytes& data) {
    wire::Query x{};
    return parse(QueryBuilder().option(8, data).bytes(), x);
  };
  CHECK(bad({0, 3, 8, 0, 10}) == wire::ParseResult::FormErr);                // unknown family
  CHECK(bad({0, 1, 33, 0, 1, 2, 3, 4, 5}) == wire::ParseResult::FormErr);    // prefix longer than IPv4
  CHECK(bad({0, 2, 129, 0}) == wire::ParseResult::FormErr);                  // prefix longer than IPv6
  CHECK(bad({0, 1, 23, 0, 198, 51, 101}) == wire::ParseResult::FormErr);     // bit 24 set past a /23
  CHECK(bad({0, 1, 1, 0, 0x40}) == wire::ParseResult::FormErr);               // bit 2 set past a /1
  CHECK(bad({0, 1, 1, 0, 0x80}) == wire::ParseResult::Ok);                    // 128.0.0.0/1
  CHECK(bad({0, 2, 9, 0, 0x20, 0x01}) == wire::ParseResult::FormErr);         // bit 16 set past a /9
  CHECK(bad({0, 1, 24, 0, 198, 51}) == wire::ParseResult::FormErr);          // address too short
  CHECK(bad({0, 1, 16, 0, 198, 51, 0}) == wire::ParseResult::FormErr);       // address too long
  CHECK(bad({0, 1, 24}) == wire::ParseResult::FormErr);                      // truncated header
  wire::Query two{};
  CHECK(parse(QueryBuilder().ecs("192.0.2.0/24").ecs("192.0.2.0/24").bytes(), two) == wire::ParseResult::FormErr);
}

TEST_CASE("unknown EDNS options are skipped, an overrunning option is FORMERR", "[wire][query][edns]") {
  wire::Query q{};
  CHECK(parse(QueryBuilder().option(65001, {1, 2, 3}).option(65000, {}).bytes(), q) == wire::ParseResult::Ok);
  QueryBuilder broken = QueryBuilder().withEdns();
  broken.ednsOptions = {0xFD, 0xE9, 0, 9, 1, 2};
  CHECK(parse(broken.bytes(), q) == wire::ParseResult::FormErr);
  broken.ednsOptions = {0xFD, 0xE9, 0};  // half an option header
  CHECK(parse(broken.bytes(), q) == wire::ParseResult::FormErr);
}

TEST_CASE("COOKIE: a client cookie alone or with a server cookie of 8 to 32 bytes, any other length FORMERR",
          "[wire][query][cookie]") {
  const Bytes client = {1, 2, 3, 4, 5, 6, 7, 8};
  wire::Query q{};
  const Bytes alone = QueryBuilder().option(10, client).bytes();  // the cookie is read in place: kept
  REQUIRE(parse(alone, q) == wire::ParseResult::Ok);
  REQUIRE(q.hasCookie);
  CHECK(q.cookieLength == 8);
  CHECK(Bytes(q.clientCookie(), q.clientCookie() + 8) == client);
  CHECK(q.serverCookieLength() == 0);

  for (size_t server : {8, 16, 32}) {
    Bytes data = client;
    for (size_t i = 0; i < server; ++i) data.push_back(static_cast<uint8_t>(0xA0 + i));
    // Between ECS and an unknown option: each read where it lies.
    const Bytes b = QueryBuilder().ecs("198.51.100.0/24").option(10, data).option(65000, {9}).bytes();
    INFO(server << " bytes of server cookie");
    REQUIRE(parse(b, q) == wire::ParseResult::Ok);
    REQUIRE(q.hasCookie);
    CHECK(q.hasEcs);
    CHECK(q.cookieLength == 8 + server);
    CHECK(Bytes(q.clientCookie(), q.clientCookie() + 8) == client);
    CHECK(q.serverCookieLength() == server);
    CHECK(Bytes(q.serverCookie(), q.serverCookie() + q.serverCookieLength()) == Bytes(data.begin() + 8, data.end()));
    // Not copied: the option's bytes in the packet.
    CHECK(q.clientCookie() >= b.data());
    CHECK(q.serverCookie() + q.serverCookieLength() <= b.data() + b.size());
  }

  // RFC 7873 5.2.2: shorter than a client cookie, a server cookie under 8 bytes, over 32.
  for (size_t length : {0, 1, 7, 9, 15, 41, 48, 255}) {
    INFO(length << " bytes");
    wire::Query x{};
    CHECK(parse(QueryBuilder().option(10, Bytes(length, 0x11)).bytes(), x) == wire::ParseResult::FormErr);
  }
  // At most one COOKIE option.
  CHECK(parse(QueryBuilder().option(10, client).option(10, client).bytes(), q) == wire::ParseResult::FormErr);

  // A query without one, parsed into the same Query after one with a cookie, has none.
  REQUIRE(parse(QueryBuilder().option(10, client).bytes(), q) == wire::ParseResult::Ok);
  REQUIRE(parse(QueryBuilder().withEdns().bytes(), q) == wire::ParseResult::Ok);
  CHECK_FALSE(q.hasCookie);
  REQUIRE(parse(QueryBuilder().option(10, client).bytes(), q) == wire::ParseResult::Ok);
  REQUIRE(parse(QueryBuilder().bytes(), q) == wire::ParseResult::Ok);  // no OPT at all
  CHECK_FALSE(q.hasCookie);
  QueryBuilder update = QueryBuilder().option(10, client);
  update.flags = 0x2800;
  CHECK(parse(update.bytes(), q) == wire::ParseResult::NotImp);
  CHECK_FALSE(q.hasCookie);
}

TEST_CASE("records in the answer and authority sections are stepped over safely", "[wire][query]") {
  Bytes b = QueryBuilder().bytes();
  b[7] = 1;  // ANCOUNT 1 with a record that runs off the end
  b.insert(b.end(), {0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 10, 1, 2});
  wire::Query q{};
  CHECK(parse(b, q) == wire::ParseResult::FormErr);
}

TEST_CASE("DO is read from the OPT, and a query without one never has it, parsed into the same Query after one with DO",
          "[wire][query][edns]") {
  wire::Query q;
  QueryBuilder withDo;
  withDo.withEdns();
  withDo.dnssecOk = true;
  const Bytes a = withDo.bytes();
  REQUIRE(wire::parseQuery(a.data(), a.size(), q) == wire::ParseResult::Ok);
  CHECK(q.dnssecOk);
  const Bytes b = QueryBuilder{}.bytes();  // no EDNS at all
  REQUIRE(wire::parseQuery(b.data(), b.size(), q) == wire::ParseResult::Ok);
  CHECK_FALSE(q.hasEdns);
  CHECK_FALSE(q.dnssecOk);
  const Bytes c = QueryBuilder{}.withEdns().bytes();  // EDNS without DO
  REQUIRE(wire::parseQuery(c.data(), c.size(), q) == wire::ParseResult::Ok);
  CHECK_FALSE(q.dnssecOk);
}
