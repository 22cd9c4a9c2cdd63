// Addresses and prefixes.
#include <catch2/catch.hpp>

#include "dns/wire/address.hpp"

using namespace lodestar::wire;

TEST_CASE("addresses parse and print in both families", "[geo][address]") {
  auto a = Address::parse("192.0.2.1");
  REQUIRE(a);
  CHECK(a->family == Family::IPv4);
  CHECK(a->bits() == 32);
  CHECK(a->toString() == "192.0.2.1");
  auto b = Address::parse("2001:db8::1");
  REQUIRE(b);
  CHECK(b->family == Family::IPv6);
  CHECK(b->toString() == "2001:db8::1");
  CHECK_FALSE(Address::parse("192.0.2"));
  CHECK_FALSE(Address::parse(""));
  CHECK_FALSE(Address::parse("example.com"));
}

TEST_CASE("prefixes reject host bits and overlong lengths", "[geo][address]") {
  auto p = Prefix::parse("198.51.100.0/24");
  REQUIRE(p);
  CHECK(p->length == 24);
  CHECK(p->toString() == "198.51.100.0/24");
  CHECK_FALSE(Prefix::parse("198.51.100.1/24"));
  CHECK_FALSE(Prefix::parse("198.51.100.0/33"));
  CHECK_FALSE(Prefix::parse("198.51.100.0"));
  CHECK(Prefix::parse("2001:db8:100::/48"));
  CHECK_FALSE(Prefix::parse("2001:db8:100::1/48"));
  CHECK(Prefix::parse("0.0.0.0/0"));
}

TEST_CASE("hostBitsAreZero checks exactly the bits past the prefix", "[geo][address]") {
  uint8_t b[3] = {198, 51, 0x80};
  CHECK(hostBitsAreZero(b, 3, 17));
  CHECK_FALSE(hostBitsAreZero(b, 3, 16));
  CHECK(hostBitsAreZero(b, 3, 24));
}
