// The answer engine in process: no sockets, exact answers, and no heap allocation per query.
#include <catch2/catch.hpp>

#include <random>

#include "dns/engine/answer.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/test_view.hpp"
#include "zones/yaml_zone_loader.hpp"

using namespace lodestar;
using test::Bytes;
using test::QueryBuilder;

namespace {
const zones::View& testView() { return test::e2eView(); }

test::Answer run(const QueryBuilder& q, engine::Transport transport = engine::Transport::Udp) {
  static uint8_t out[65535];
  engine::QueryStats stats;
  Bytes b = q.bytes();
  engine::Client client{*wire::Address::parse("127.0.0.1"), transport};
  engine::AnswerContext ctx(b.data(), b.size(), client, out, sizeof out);
  size_t n = engine::answerQuery(ctx, testView(), engine::Pipeline(stats));
  REQUIRE(n > 0);
  auto a = test::parseAnswer(Bytes(out, out + n));
  REQUIRE(a);
  return *a;
}
}  // namespace

TEST_CASE("engine: static answer, NXDOMAIN, referral and REFUSED in process", "[engine]") {
  auto a = run(QueryBuilder().name("www.example.test.").type("AAAA"));
  CHECK(a.answer == std::vector<std::string>{"www.example.test. 3600 AAAA 2001:db8::80"});
  CHECK(run(QueryBuilder().name("x.example.test.")).rcode == 3);
  CHECK(run(QueryBuilder().name("a.deleg.example.test.")).authority.size() == 2);
  CHECK(run(QueryBuilder().name("example.org.")).rcode == 5);
}

TEST_CASE("engine: TCP answers are not limited to the UDP size", "[engine]") {
  CHECK(run(QueryBuilder().name("big.example.test.").type("TXT")).tc);
  auto tcp = run(QueryBuilder().name("big.example.test.").type("TXT"), engine::Transport::Tcp);
  CHECK_FALSE(tcp.tc);
  CHECK(tcp.answer.size() == 12);
}

TEST_CASE("engine: random bytes never crash the answer path", "[engine][robustness]") {
  std::mt19937 rng(7);
  engine::QueryStats stats;
  engine::Client client{*wire::Address::parse("127.0.0.1"), engine::Transport::Udp};
  static uint8_t out[65535];
  Bytes seed = QueryBuilder().name("www.example.test.").ecs("198.51.100.0/24").bytes();
  for (int i = 0; i < 50'000; ++i) {
    Bytes b = seed;
    for (int k = 0, flips = 1 + static_cast<int>(rng() % 4); k < flips; ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
    b.resize(rng() % (b.size() + 8));
    engine::AnswerContext ctx(b.data(), b.size(), client, out, sizeof out);
    size_t n = engine::answerQuery(ctx, testView(), engine::Pipeline(stats));
    if (n) {
      REQUIRE(n >= 12);
      REQUIRE(n <= 1232);
    }
  }
  CHECK(stats.received.value() == 50'000);
}

TEST_CASE("engine: a view with no zones answers REFUSED and returns (it spun forever once)", "[engine][regression]") {
  zones::View empty;
  empty.indexNames();
  CHECK(empty.findZone(std::string(1, '\0')) == nullptr);
  CHECK(empty.findZone(std::string("\3www\7example\4test\0", 18)) == nullptr);
  static uint8_t out[65535];
  engine::QueryStats stats;
  engine::Client client{*wire::Address::parse("127.0.0.1"), engine::Transport::Udp};
  for (const char* name : {"www.example.test.", "."}) {
    Bytes b = QueryBuilder().name(name).bytes();
    engine::AnswerContext ctx(b.data(), b.size(), client, out, sizeof out);
    size_t n = engine::answerQuery(ctx, empty, engine::Pipeline(stats));
    REQUIRE(n > 0);
    auto a = test::parseAnswer(Bytes(out, out + n));
    REQUIRE(a);
    CHECK(a->rcode == 5);
  }
}

TEST_CASE("engine: a view whose names are not indexed answers every name as the indexed view does",
          "[engine]") {
  // The answer path trusts an indexed view's miss (no second lookup of the qname in its
  // zone); before indexNames() it must still look in the zone itself.
  zones::View unindexed;
  for (const char* file : {"e2e/zones/example.test.yaml", "e2e/zones/sub.example.test.yaml"}) {
    yaml::Diagnostics d;
    auto zone = zones::loadYamlZone(test::dataPath(file), d);
    REQUIRE(zone);
    REQUIRE(unindexed.add(std::move(zone)));
  }
  REQUIRE_FALSE(unindexed.namesIndexed());
  REQUIRE(testView().namesIndexed());
  static uint8_t indexedOut[65535], unindexedOut[65535];
  engine::QueryStats stats;
  engine::Client client{*wire::Address::parse("192.0.2.99"), engine::Transport::Udp};
  for (const char* name : {"example.test.", "www.example.test.", "WWW.Example.Test.", "nope.example.test.",
                           "a.b.c.example.test.", "b.c.example.test.", "alias.example.test.", "chain1.example.test.",
                           "dangling.example.test.", "deleg.example.test.", "x.deleg.example.test.",
                           "ns.deleg.example.test.", "sub.example.test.", "www.sub.example.test.",
                           "nope.sub.example.test.", "other.test."}) {
    for (uint16_t type : {wire::rrtype::A, wire::rrtype::AAAA, wire::rrtype::NS, wire::rrtype::TXT}) {
      Bytes b = QueryBuilder().name(name).type(type).bytes();
      engine::AnswerContext indexed(b.data(), b.size(), client, indexedOut, sizeof indexedOut);
      engine::AnswerContext plain(b.data(), b.size(), client, unindexedOut, sizeof unindexedOut);
      const size_t n = engine::answerQuery(indexed, testView(), engine::Pipeline(stats));
      const size_t m = engine::answerQuery(plain, unindexed, engine::Pipeline(stats));
      INFO(name << " type " << type);
      REQUIRE(n > 0);
      CHECK(Bytes(indexedOut, indexedOut + n) == Bytes(unindexedOut, unindexedOut + m));
      CHECK(indexed.kind == plain.kind);
    }
  }
}
