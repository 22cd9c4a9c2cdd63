// A check's identity decides which endpoints share one health cell: every field must be in
// it, or two different checks would silently merge. Counted, not trusted.
#include <catch2/catch.hpp>

#include <tuple>

#include "health/state/check_spec.hpp"
#include "tests/support/field_count.hpp"

using namespace lodestar::health;

using lodestar::test::fieldCount;

TEST_CASE("every field of a check is part of its identity (a field added and forgotten fails here)",
          "[health][check][identity]") {
  constexpr size_t damping = fieldCount<FlapDamping>();  // identityFields() lists its fields one by one
  constexpr size_t fields = fieldCount<CheckSpec>() - 1 /* FlapDamping as one */ + damping;
  constexpr size_t inIdentity = std::tuple_size_v<decltype(CheckSpec{}.identityFields())> + 1 /* the name */;
  STATIC_REQUIRE(damping == 3);
  STATIC_REQUIRE(fields == inIdentity);
}

TEST_CASE("checks that differ in any field have different identities, and the name does not count",
          "[health][check][identity]") {
  CheckSpec a;
  a.name = "one";
  CheckSpec b = a;
  b.name = "two";
  CHECK(a.identity() == b.identity());
  std::vector<void (*)(CheckSpec&)> changes = {
      [](CheckSpec& c) { c.port = 8080; },         [](CheckSpec& c) { c.address = "192.0.2.1"; },
      [](CheckSpec& c) { c.timeout *= 2; },        [](CheckSpec& c) { c.damping.hold = std::chrono::seconds(9); },
      [](CheckSpec& c) { c.headers = {"X: 1"}; },  [](CheckSpec& c) { c.expectStatus = {204}; },
      [](CheckSpec& c) { c.verifyTls = false; },   [](CheckSpec& c) { c.command = {"/bin/true"}; },
      [](CheckSpec& c) { c.dnsRcode = 3; },        [](CheckSpec& c) { c.path = "/healthz"; },
      [](CheckSpec& c) { c.consensus = lodestar::health::Consensus::Local; }};
  for (auto change : changes) {
    CheckSpec c = a;
    change(c);
    CHECK(c.identity() != a.identity());
  }
  // Separators cannot be forged by the values themselves.
  CheckSpec x = a, y = a;
  x.path = "/a|b";
  y.path = "/a";
  y.host = "b";
  CHECK(x.identity() != y.identity());
}
