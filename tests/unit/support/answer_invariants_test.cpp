// The fuzz oracle must see what it claims to: a real answer passes, and each corruption of it
// is named.
#include <catch2/catch.hpp>

#include "tests/support/answer_invariants.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/engine_call.hpp"
#include "tests/support/steered_view.hpp"

using namespace lodestar;
using test::Bytes;
using test::QueryBuilder;

namespace {

Bytes answer(const zones::View& view, const Bytes& q, engine::Transport t = engine::Transport::Udp) {
  static uint8_t out[65535];
  engine::QueryStats stats;
  engine::Client client{*wire::Address::parse("10.1.0.5"), t, 0, nullptr};
  return Bytes(out, out + test::answerInto(view, q.data(), q.size(), client, out, sizeof out, stats));
}

std::string violation(const Bytes& q, const Bytes& a, bool udp = true) {
  return test::answerViolation(q.data(), q.size(), a.data(), a.size(), udp);
}

}  // namespace

TEST_CASE("the answer invariants pass real answers and name each corruption", "[support][fuzz]") {
  auto view = std::move(test::steeredView().view);
  const Bytes q = QueryBuilder().name("geo.admin.example.").ecs("10.4.0.0/16").bytes();
  const Bytes a = answer(*view, q);
  REQUIRE(a.size() > 12);
  CHECK(violation(q, a) == "");

  SECTION("ID") {
    Bytes bad = a;
    bad[1] ^= 1;
    CHECK(violation(q, bad) == "ID not echoed");
  }
  SECTION("section counts") {
    Bytes bad = a;
    ++bad[7];
    CHECK(violation(q, bad) != "");
    bad = a;
    --bad[11];
    CHECK(violation(q, bad) != "");
  }
  SECTION("a compression pointer forward") {
    Bytes bad = a;
    size_t at = 12 + 4 + test::wireName("geo.admin.example.").size();  // the first answer's owner
    REQUIRE((bad[at] & 0xC0) == 0xC0);
    bad[at] = 0xC0;
    bad[at + 1] = static_cast<uint8_t>(at + 4);
    CHECK(violation(q, bad).find("points forward") != std::string::npos);
  }
  SECTION("ECS scope longer than the source") {
    auto parsed = test::parseAnswer(a);
    REQUIRE(parsed);
    REQUIRE(parsed->ecs);
    Bytes bad = a;
    // The ECS option is the last one written: family(2) source(1) scope(1) address(2).
    bad[bad.size() - 3] = 17;
    CHECK(violation(q, bad).find("scope") != std::string::npos);
  }
  SECTION("over the UDP size") {
    const Bytes big = QueryBuilder().name("big.example.test.").type(16).bytes();
    const Bytes whole = answer(*view, big, engine::Transport::Tcp);
    CHECK(violation(big, whole, false) == "");
    CHECK(violation(big, whole, true).find("over the limit 512") != std::string::npos);
    CHECK(violation(big, answer(*view, big), true) == "");
  }
  SECTION("the question") {
    Bytes bad = a;
    bad[13] ^= 0x20;  // a letter of the first label in another case
    CHECK(violation(q, bad) == "the question echoed is not the query's");
  }
}
