// Compiled decision trees: decisions, ECS scopes, custom networks, merging, and a
// differential check against the plain libmaxminddb lookup on 100,000 random addresses.
#include <catch2/catch.hpp>

#include "geo/area_map.hpp"
#include "geo/decision_tree.hpp"
#include "tests/support/geo_fixture.hpp"

using namespace lodestar;
using test::TempDir;

namespace {
wire::Address addr(const char* text) { return *wire::Address::parse(text); }

// decision = 1 + index of the country in a small list; 0 for the rest.
uint32_t byCountry(const geo::GeoFacts& f) {
  static const char* const kCountries[] = {"US", "CA", "DE", "FR", "JP", "AU", "BR", "NA", "ZA", "IN", "AT"};
  for (uint32_t i = 0; i < 11; ++i)
    if (f.country == kCountries[i]) return i + 1;
  return 0;
}
}  // namespace

TEST_CASE("decisions and scopes come from the network that placed the client", "[geo][tree]") {
  TempDir dir;
  auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
  geo::DecisionTree tree;
  std::string error;
  REQUIRE(geo::compileDecisionTree(db.get(), byCountry, 0, {}, tree, error));

  auto us = tree.find(addr("10.1.77.0"));
  CHECK(us.decision == 1);
  // 10.1/16 (US-CA) and 10.2/16 (US-TX) share the decision and are neighbours only at /14
  // with 10.0/16 and 10.3/16 (unplaced, CA) in between, so each stays a /16.
  CHECK(us.scope == 16);
  CHECK(tree.find(addr("10.3.0.1")).decision == 2);
  CHECK(tree.find(addr("10.4.1.1")).decision == 3);   // DE
  CHECK(tree.find(addr("10.4.1.1")).scope == 17);     // the /16 minus the AT /17
  CHECK(tree.find(addr("10.4.200.1")).decision == 11);  // AT, more specific
  CHECK(tree.find(addr("10.4.200.1")).scope == 17);
  CHECK(tree.find(addr("2001:db8:2::1")).decision == 5);
  CHECK(tree.find(addr("2001:db8:2::1")).scope == 48);
  auto unplaced = tree.find(addr("192.0.2.1"));
  CHECK(unplaced.decision == 0);
  CHECK(unplaced.scope == 1);  // 128.0.0.0/1 holds no network at all
}

TEST_CASE("neighbouring networks with one decision merge into one scope", "[geo][tree]") {
  TempDir dir;
  std::vector<geo::CsvNetwork> rows(2);
  rows[0].network = *wire::Prefix::parse("192.0.2.0/25");
  rows[0].facts.country = "DE";
  rows[1].network = *wire::Prefix::parse("192.0.2.128/25");
  rows[1].facts.country = "DE";
  rows[1].facts.subdivision = "BE";  // different facts, same decision
  auto db = test::buildDatabase(dir, rows);
  geo::DecisionTree tree;
  std::string error;
  REQUIRE(geo::compileDecisionTree(db.get(), byCountry, 0, {}, tree, error));
  CHECK(tree.find(addr("192.0.2.200")).scope == 24);
  CHECK(tree.find(addr("192.0.2.200")).decision == 3);
}

TEST_CASE("custom networks override the database for their whole range", "[geo][tree]") {
  TempDir dir;
  auto db = test::buildDatabase(dir, test::readCsv("geo/test-networks.csv"));
  geo::DecisionTree tree;
  std::string error;
  std::vector<geo::CustomNetwork> custom = {{*wire::Prefix::parse("10.1.5.0/24"), 40},
                                            {*wire::Prefix::parse("10.4.0.0/15"), 41},
                                            {*wire::Prefix::parse("2001:db8::/32"), 42}};
  REQUIRE(geo::compileDecisionTree(db.get(), byCountry, 0, custom, tree, error));
  CHECK(tree.find(addr("10.1.5.9")).decision == 40);
  CHECK(tree.find(addr("10.1.5.9")).scope == 24);
  CHECK(tree.find(addr("10.1.6.9")).decision == 1);
  CHECK(tree.find(addr("10.4.200.1")).decision == 41);  // wins over the AT /17 too
  CHECK(tree.find(addr("10.5.0.1")).decision == 41);
  CHECK(tree.find(addr("10.5.0.1")).scope == 15);
  CHECK(tree.find(addr("2001:db8:1::1")).decision == 42);
  // Without a database, only the custom networks place anyone.
  geo::DecisionTree bare;
  REQUIRE(geo::compileDecisionTree(nullptr, byCountry, 7, custom, bare, error));
  CHECK(bare.find(addr("10.1.5.1")).decision == 40);
  CHECK(bare.find(addr("192.0.2.1")).decision == 7);
}

TEST_CASE("the compiled tree agrees with libmaxminddb on 100,000 random addresses", "[geo][tree][differential]") {
  // A large tree (its first 16 levels a table) and a small one (walked from the root).
  const bool large = GENERATE(true, false);
  TempDir dir;
  std::mt19937 rng(7871);
  auto rows = test::randomNetworks(large ? 20000 : 600, rng);
  auto db = test::buildDatabase(dir, rows);
  std::vector<geo::CustomNetwork> custom = {{*wire::Prefix::parse("100.64.0.0/10"), 50},
                                            {*wire::Prefix::parse("2001:db8::/32"), 51}};
  geo::DecisionTree tree;
  std::string error;
  REQUIRE(geo::compileDecisionTree(db.get(), byCountry, 0, custom, tree, error));
  INFO("nodes: " << tree.nodeCount());
  CHECK(tree.hasJumpTable() == large);

  auto expected = [&](const wire::Address& a) -> uint32_t {
    for (const auto& c : custom) {
      if (c.network.address.family != a.family) continue;
      wire::Address masked = a;
      for (unsigned bit = c.network.length; bit < a.bits(); ++bit)
        masked.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
      if (masked == c.network.address) return c.decision;
    }
    auto l = db->lookup(a);
    return l.found ? byCountry(l.facts) : 0;
  };
  int mismatches = 0;
  for (int i = 0; i < 100'000; ++i) {
    wire::Address a = test::randomAddress(i % 3 ? wire::Family::IPv4 : wire::Family::IPv6, rng);
    if (i % 7 == 0) a = rows[rng() % rows.size()].network.address;  // also hit the networks themselves
    auto got = tree.find(a);
    if (got.decision != expected(a)) ++mismatches;
    // The scope is a promise: another address inside it gets the same decision.
    wire::Address other = test::randomAddress(a.family, rng);
    for (unsigned bit = 0; bit < got.scope; ++bit) {
      uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
      other.bytes[bit / 8] = static_cast<uint8_t>((other.bytes[bit / 8] & ~mask) | (a.bytes[bit / 8] & mask));
    }
    if (expected(other) != got.decision) ++mismatches;
  }
  CHECK(mismatches == 0);
}
