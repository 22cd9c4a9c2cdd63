// The answers other servers agree on for what is not a plain query: a TSIG-signed query
// (we hold no key: NOTAUTH with an unsigned TSIG saying BADKEY, RFC 8945 5.2.2), meta-types
// asked as questions (FORMERR), other opcodes (NOTIMP without RD and CD), BADVERS (no ECS).
#include <catch2/catch.hpp>

#include "dns/engine/answer.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/test_view.hpp"

using namespace lodestar;
using lodestar::test::Bytes;
using lodestar::test::QueryBuilder;

namespace {

uint8_t gOut[65535];

struct Reply {
  engine::QueryStats stats;
  engine::Client client{*wire::Address::parse("127.0.0.1"), engine::Transport::Udp};
  engine::AnswerContext ctx{nullptr, 0, client, gOut, sizeof gOut};
  Bytes query, raw;
  std::optional<test::Answer> parsed;
};

std::unique_ptr<Reply> ask(const Bytes& query) {
  auto r = std::make_unique<Reply>();
  r->query = query;
  r->ctx = engine::AnswerContext(r->query.data(), r->query.size(), r->client, gOut, sizeof gOut);
  engine::Pipeline pipeline(r->stats);
  const size_t n = engine::answerQuery(r->ctx, test::e2eView(), pipeline);
  r->raw.assign(gOut, gOut + n);
  r->parsed = test::parseAnswer(r->raw);
  return r;
}

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

// A TSIG record as dig -y would append it (the MAC is junk: nobody can check it here).
Bytes tsigRecord(const std::string& key, uint16_t rrclass = wire::rrclass::ANY, uint16_t macSize = 32) {
  Bytes rd = test::wireName("hmac-sha256.");
  for (uint8_t b : {0x00, 0x00, 0x65, 0x4f, 0x1a, 0x2b}) rd.push_back(b);  // time signed
  put16(rd, 300);                                                           // fudge
  put16(rd, macSize);
  rd.insert(rd.end(), macSize, 0xab);
  put16(rd, 0x4c53);  // original ID
  put16(rd, 0);       // error
  put16(rd, 0);       // other length
  Bytes rr = test::wireName(key);
  put16(rr, wire::rrtype::TSIG);
  put16(rr, rrclass);
  rr.insert(rr.end(), {0, 0, 0, 0});
  put16(rr, static_cast<uint16_t>(rd.size()));
  rr.insert(rr.end(), rd.begin(), rd.end());
  return rr;
}

Bytes withRecord(Bytes query, const Bytes& rr) {
  query.insert(query.end(), rr.begin(), rr.end());
  const uint16_t arcount = static_cast<uint16_t>((query[10] << 8 | query[11]) + 1);
  query[10] = static_cast<uint8_t>(arcount >> 8);
  query[11] = static_cast<uint8_t>(arcount);
  return query;
}

uint16_t at16(const Bytes& b, size_t i) { return static_cast<uint16_t>(b[i] << 8 | b[i + 1]); }

}  // namespace

TEST_CASE("a query signed with a key we do not hold: NOTAUTH and an unsigned TSIG saying BADKEY",
          "[engine][tsig]") {
  const Bytes rr = tsigRecord("ops-key.");
  for (bool edns : {false, true}) {
    QueryBuilder qb = QueryBuilder().name("www.example.test.");
    if (edns) qb.withEdns();
    auto r = ask(withRecord(qb.bytes(), rr));
    REQUIRE(r->raw.size() > 12);
    CHECK((r->raw[3] & 0x0F) == 9);  // NOTAUTH
    CHECK(r->ctx.rcode == wire::Rcode::NotAuth);
    CHECK(r->ctx.kind == engine::AnswerKind::Error);
    CHECK(at16(r->raw, 6) == 0);                    // no answer
    CHECK(at16(r->raw, 10) == (edns ? 2 : 1));      // OPT first, TSIG last
    // The last record: owner ops-key., TSIG, class ANY, TTL 0, then its RDATA.
    const Bytes key = test::wireName("ops-key."), algorithm = test::wireName("hmac-sha256.");
    const size_t rdlength = algorithm.size() + 16;
    const size_t start = r->raw.size() - (key.size() + 10 + rdlength);
    REQUIRE(start > 12);
    CHECK(Bytes(r->raw.begin() + start, r->raw.begin() + start + key.size()) == key);
    size_t p = start + key.size();
    CHECK(at16(r->raw, p) == wire::rrtype::TSIG);
    CHECK(at16(r->raw, p + 2) == wire::rrclass::ANY);
    CHECK(at16(r->raw, p + 4) == 0);
    CHECK(at16(r->raw, p + 6) == 0);
    CHECK(at16(r->raw, p + 8) == rdlength);
    p += 10;
    CHECK(Bytes(r->raw.begin() + p, r->raw.begin() + p + algorithm.size()) == algorithm);
    p += algorithm.size();
    CHECK(at16(r->raw, p + 2) == 0x654f);  // time signed, copied
    CHECK(at16(r->raw, p + 6) == 300);     // fudge, copied
    CHECK(at16(r->raw, p + 8) == 0);       // MAC size: unsigned
    CHECK(at16(r->raw, p + 10) == 0x4c53); // original ID
    CHECK(at16(r->raw, p + 12) == wire::tsigerror::BadKey);
    CHECK(at16(r->raw, p + 14) == 0);      // other length
    REQUIRE(r->parsed);  // ldns reads the whole message
  }
}

TEST_CASE("a malformed or misplaced TSIG is FORMERR", "[engine][tsig]") {
  const Bytes plain = QueryBuilder().name("www.example.test.").bytes();
  CHECK(ask(withRecord(plain, tsigRecord("k.", wire::rrclass::IN)))->ctx.rcode == wire::Rcode::FormErr);
  // Not the last record: an OPT after it.
  Bytes notLast = withRecord(plain, tsigRecord("k."));
  notLast = withRecord(notLast, Bytes{0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0});
  CHECK(ask(notLast)->ctx.rcode == wire::Rcode::FormErr);
  // A MAC size past the record.
  Bytes rr = tsigRecord("k.");
  const size_t macSizeAt = rr.size() - 6 - 32 - 2;
  rr[macSizeAt] = 0x01;
  CHECK(ask(withRecord(plain, rr))->ctx.rcode == wire::Rcode::FormErr);
}

TEST_CASE("OPT, TSIG and TKEY asked as question types are FORMERR, AXFR and IXFR stay REFUSED",
          "[engine][protocol]") {
  for (uint16_t type : {wire::rrtype::OPT, wire::rrtype::TSIG, wire::rrtype::TKEY}) {
    auto r = ask(QueryBuilder().name("www.example.test.").type(type).bytes());
    CHECK(r->ctx.rcode == wire::Rcode::FormErr);
    CHECK(r->ctx.kind == engine::AnswerKind::Error);
  }
  for (uint16_t type : {wire::rrtype::AXFR, wire::rrtype::IXFR}) {
    auto r = ask(QueryBuilder().name("example.test.").type(type).bytes());
    CHECK(r->ctx.rcode == wire::Rcode::Refused);
    CHECK(r->ctx.kind == engine::AnswerKind::Refused);
  }
  QueryBuilder chaos = QueryBuilder().name("www.example.test.").type(wire::rrtype::TSIG);
  chaos.qclass = 3;
  CHECK(ask(chaos.bytes())->ctx.rcode == wire::Rcode::Refused);
}

TEST_CASE("an opcode other than QUERY gets NOTIMP with RD and CD clear", "[engine][protocol]") {
  QueryBuilder qb = QueryBuilder().name("www.example.test.");
  qb.flags = 0x2000 | 0x0100 | 0x0010;  // NOTIFY, RD, CD
  auto r = ask(qb.bytes());
  REQUIRE(r->parsed);
  CHECK(r->parsed->rcode == 4);
  CHECK(r->parsed->opcode == 4);
  CHECK_FALSE(r->parsed->rd);
  CHECK((at16(r->raw, 2) & 0x0010) == 0);  // CD
  // A QUERY keeps both.
  qb.flags = 0x0100 | 0x0010;
  auto q = ask(qb.bytes());
  CHECK(q->parsed->rd);
  CHECK((at16(q->raw, 2) & 0x0010) != 0);
}

TEST_CASE("BADVERS does not echo the query's ECS option", "[engine][edns]") {
  QueryBuilder qb = QueryBuilder().name("www.example.test.").ecs("198.51.100.0/24");
  qb.ednsVersion = 1;
  auto r = ask(qb.bytes());
  REQUIRE(r->parsed);
  CHECK(r->parsed->rcode == 16);
  CHECK(r->parsed->hasOpt);
  CHECK_FALSE(r->parsed->ecs);
  // Version 0 still echoes it.
  auto ok = ask(QueryBuilder().name("www.example.test.").ecs("198.51.100.0/24").bytes());
  CHECK(ok->parsed->ecs);
}
