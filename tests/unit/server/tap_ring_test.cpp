// The dnstap ring on its own: records come out in order, a full ring drops and counts
// instead of waiting, and a slot is filled again only once the writer has read it.
#include <catch2/catch.hpp>

#include "dns/dnstap/tap_ring.hpp"

using lodestar::dnstap::TapRecord;
using lodestar::dnstap::TapRing;

TEST_CASE("dnstap ring: in order, bounded, a full ring drops and counts", "[dnstap]") {
  TapRing ring(3);  // rounded up to 4
  REQUIRE(ring.capacity() == 4);
  CHECK(ring.front() == nullptr);
  for (uint16_t i = 0; i < 4; ++i) {
    TapRecord* r = ring.claim();
    REQUIRE(r);
    r->queryLength = i;
    ring.publish();
  }
  CHECK(ring.claim() == nullptr);  // full: the worker goes on
  CHECK(ring.claim() == nullptr);
  CHECK(ring.dropped() == 2);
  for (uint16_t i = 0; i < 2; ++i) {
    const TapRecord* r = ring.front();
    REQUIRE(r);
    CHECK(r->queryLength == i);
    ring.pop();
  }
  TapRecord* again = ring.claim();  // a slot the writer gave back
  REQUIRE(again);
  again->queryLength = 9;
  ring.publish();
  for (uint16_t want : {2, 3, 9}) {
    const TapRecord* r = ring.front();
    REQUIRE(r);
    CHECK(r->queryLength == want);
    ring.pop();
  }
  CHECK(ring.front() == nullptr);
  CHECK(ring.dropped() == 2);
}
