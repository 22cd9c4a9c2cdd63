// The ring's slots, made once.
#include "dns/dnstap/tap_ring.hpp"

#include <bit>

namespace lodestar::dnstap {

TapRing::TapRing(size_t capacity)
    : mask_(std::bit_ceil(capacity < 2 ? size_t(2) : capacity) - 1), slots_(new TapRecord[mask_ + 1]) {}

}  // namespace lodestar::dnstap
