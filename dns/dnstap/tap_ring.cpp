// The ring's slots, made once.
#include "dns/dnstap/tap_ring.hpp"

#include <algorithm>
#include <bit>

namespace lodestar::dnstap {

TapRing::TapRing(size_t capacity, bool tcp)
    : mask_(std::bit_ceil(std::max(capacity, kMinCapacity)) - 1), tcp_(tcp), slots_(new TapRecord[mask_ + 1]) {}

}  // namespace lodestar::dnstap
