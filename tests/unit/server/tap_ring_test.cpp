// The dnstap ring on its own: records come out in order, a full ring drops and counts
// instead of waiting, and a slot is filled again only once the writer has read it.
#include <catch2/catch.hpp>

#include "dns/dnstap/tap_ring.hpp"

using lodestar::dnstap::TapRecord;
using lodestar::dnstap::TapRing;

TEST_CASE("dnstap ring: in order, bounded, a full ring drops and counts", "[dnstap]") {
  CHECK(TapRing(3, false).capacity() == TapRing::kMinCapacity);  // never fewer than a batch and more
  TapRing ring(100, false);  // rounded up to 128
  REQUIRE(ring.capacity() == 128);
  CHECK(ring.front() == nullptr);
  for (uint16_t i = 0; i < 128; ++i) {
    REQUIRE(ring.claim());
    ring.slot().queryLength = i;
    ring.publish();
  }
  CHECK_FALSE(ring.claim());  // full: the worker goes on
  CHECK_FALSE(ring.claim());
  CHECK(ring.dropped() == 2);
  for (uint16_t i = 0; i < 2; ++i) {
    const TapRecord* r = ring.front();
    REQUIRE(r);
    CHECK(r->queryLength == i);
    ring.pop();
  }
  REQUIRE(ring.claim());  // a slot the writer gave back
  ring.slot().queryLength = 9;
  ring.publish();
  for (uint16_t want = 2; want < 128; ++want) {
    const TapRecord* r = ring.front();
    REQUIRE(r);
    CHECK(r->queryLength == want);
    ring.pop();
  }
  for (uint16_t want : {9}) {
    const TapRecord* r = ring.front();
    REQUIRE(r);
    CHECK(r->queryLength == want);
    ring.pop();
  }
  CHECK(ring.front() == nullptr);
  CHECK(ring.dropped() == 2);
}
