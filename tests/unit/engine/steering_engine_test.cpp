// Steering goldens in process: query + client + ECS → the exact answer and scope.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "dns/engine/answer.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/geo_fixture.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using test::QueryBuilder;
using Lines = std::vector<std::string>;

namespace {
struct Fixture {
  test::TempDir dir;
  std::unique_ptr<zones::View> view;
  Fixture() {
    auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
    yaml::Diagnostics d;
    view = zones::loadView({test::dataPath("steering/steer.example.yaml")}, db, d);
    if (!view) FAIL(d.report());
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

test::Answer ask(QueryBuilder q, const char* source = "127.0.0.1") {
  static uint8_t out[65535];
  engine::QueryStats stats;
  auto bytes = q.bytes();
  engine::Client client{*wire::Address::parse(source), engine::Transport::Udp};
  engine::AnswerContext ctx(bytes.data(), bytes.size(), client, out, sizeof out);
  size_t n = engine::answerQuery(ctx, *fixture().view, engine::Pipeline(stats));
  REQUIRE(n > 0);
  auto a = test::parseAnswer(test::Bytes(out, out + n));
  REQUIRE(a);
  return *a;
}

Lines geoA(const char* ecs) { return ask(QueryBuilder().name("geo.steer.example.").ecs(ecs)).answer; }
}  // namespace

TEST_CASE("geo: the most specific key picks the region", "[engine][steering]") {
  CHECK(geoA("10.1.0.0/16") == Lines{"geo.steer.example. 20 A 192.0.2.10"});                       // US-CA
  CHECK(geoA("10.2.0.0/16") == Lines{"geo.steer.example. 20 A 192.0.2.20", "geo.steer.example. 20 A 192.0.2.21"});  // US
  CHECK(geoA("10.6.0.0/16") == Lines{"geo.steer.example. 20 A 192.0.2.30"});                       // country:NA
  CHECK(geoA("10.5.0.0/24") == Lines{"geo.steer.example. 20 A 192.0.2.30"});                       // EU
  CHECK(geoA("10.5.1.0/24") == Lines{"geo.steer.example. 20 A 192.0.2.40"});                       // custom network
  CHECK(geoA("10.7.0.0/16") == Lines{"geo.steer.example. 20 A 192.0.2.40"});                       // AS
  CHECK(geoA("10.8.0.0/16") == Lines{"geo.steer.example. 20 A 192.0.2.20", "geo.steer.example. 20 A 192.0.2.21"});  // OC → default
  CHECK(geoA("192.0.2.0/24") == Lines{"geo.steer.example. 20 A 192.0.2.20", "geo.steer.example. 20 A 192.0.2.21"});  // unknown
}

TEST_CASE("geo: the ECS scope is the width of the network that decided", "[engine][steering][ecs]") {
  auto a = ask(QueryBuilder().name("geo.steer.example.").ecs("10.1.0.0/24"));
  REQUIRE(a.ecs);
  CHECK(a.ecs->source == 24);
  CHECK(a.ecs->scope == 16);
  CHECK(a.aa);
  auto custom = ask(QueryBuilder().name("geo.steer.example.").ecs("10.5.1.0/24"));
  CHECK(custom.ecs->scope == 24);
  auto v6 = ask(QueryBuilder().name("geo.steer.example.").type("AAAA").ecs("2001:db8:1::/56"));
  CHECK(v6.answer == Lines{"geo.steer.example. 20 AAAA 2001:db8::30"});  // DE → eu
  CHECK(v6.ecs->family == 2);
  CHECK(v6.ecs->scope == 48);
}

TEST_CASE("without ECS, or with source prefix 0, the packet's source decides with scope 0", "[engine][steering][ecs]") {
  CHECK(ask(QueryBuilder().name("geo.steer.example."), "10.7.9.9").answer == Lines{"geo.steer.example. 20 A 192.0.2.40"});
  auto zero = ask(QueryBuilder().name("geo.steer.example.").ecs("0.0.0.0/0"), "10.1.2.3");
  CHECK(zero.answer == Lines{"geo.steer.example. 20 A 192.0.2.10"});
  REQUIRE(zero.ecs);
  CHECK(zero.ecs->source == 0);
  CHECK(zero.ecs->scope == 0);
  // A dual-stack socket sees IPv4 clients as ::ffff:a.b.c.d; the locator treats them as IPv4.
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:10.7.0.1", &sa.sin6_addr);
  wire::Address mapped = wire::Address::fromSockaddr(reinterpret_cast<sockaddr*>(&sa));
  CHECK(mapped.family == wire::Family::IPv4);
  CHECK(ask(QueryBuilder().name("geo.steer.example."), mapped.toString().c_str()).answer ==
        Lines{"geo.steer.example. 20 A 192.0.2.40"});
}

TEST_CASE("steered names: AAAA from the first region with IPv6, NODATA when none has, static types beside", "[engine][steering]") {
  auto aaaa = ask(QueryBuilder().name("geo.steer.example.").type("AAAA").ecs("10.1.0.0/16"));
  CHECK(aaaa.answer == Lines{"geo.steer.example. 20 AAAA 2001:db8::10"});
  // us-east has no IPv6 endpoint, so for AAAA the next region of the order answers.
  auto next = ask(QueryBuilder().name("geo.steer.example.").type("AAAA").ecs("10.2.0.0/16"));
  CHECK(next.answer == Lines{"geo.steer.example. 20 AAAA 2001:db8::10"});
  auto none = ask(QueryBuilder().name("tie.steer.example.").type("AAAA"));  // no IPv6 in the pool at all
  CHECK(none.rcode == 0);
  CHECK(none.answer.empty());
  CHECK(none.authority.size() == 1);
  // That NODATA holds for every client, so it says so to the resolver's cache: ECS scope 0.
  auto noneEcs = ask(QueryBuilder().name("tie.steer.example.").type("AAAA").ecs("10.1.0.0/24"));
  CHECK(noneEcs.answer.empty());
  REQUIRE(noneEcs.ecs);
  CHECK(noneEcs.ecs->source == 24);
  CHECK(noneEcs.ecs->scope == 0);
  auto txt = ask(QueryBuilder().name("geo.steer.example.").type("TXT"));
  CHECK(txt.answer == Lines{"geo.steer.example. 300 TXT \"static data beside a steered name\""});
  auto any = ask(QueryBuilder().name("geo.steer.example.").type("ANY").ecs("10.7.0.0/16"));
  CHECK(any.answer == Lines{"geo.steer.example. 20 A 192.0.2.40"});
}

TEST_CASE("nearest: regions by distance, map keys first, default without coordinates", "[engine][steering]") {
  auto q = [](const char* ecs) { return ask(QueryBuilder().name("near.steer.example.").ecs(ecs)).answer; };
  CHECK(q("10.1.0.0/16") == Lines{"near.steer.example. 30 A 192.0.2.10"});  // Mountain View → us-west
  CHECK(q("10.3.0.0/16") == Lines{"near.steer.example. 30 A 192.0.2.20", "near.steer.example. 30 A 192.0.2.21"});  // Ottawa → us-east
  CHECK(q("10.5.0.0/16") == Lines{"near.steer.example. 30 A 192.0.2.30"});  // Paris → eu
  CHECK(q("10.7.0.0/16") == Lines{"near.steer.example. 30 A 192.0.2.40"});  // Tokyo → asia
  CHECK(q("10.4.128.0/17") == Lines{"near.steer.example. 30 A 192.0.2.40"});  // AT: the map wins
  CHECK(q("10.8.0.0/16") == Lines{"near.steer.example. 30 A 192.0.2.30"});  // no coordinates → default
  CHECK(q("192.0.2.0/24") == Lines{"near.steer.example. 30 A 192.0.2.30"});  // not placed → default
}

TEST_CASE("nearest: a tie keeps the pool's order", "[engine][steering]") {
  // twin-b is listed first in the pool; both sit at 0,0.
  auto a = ask(QueryBuilder().name("tie.steer.example.").ecs("10.5.0.0/16"));
  CHECK(a.answer == Lines{"tie.steer.example. 30 A 192.0.2.52"});
}
