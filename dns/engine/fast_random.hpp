// A per-worker pseudo-random generator (xorshift64*): no state shared between threads.
#pragma once

#include <cstdint>

namespace lodestar::engine {

class FastRandom {
 public:
  explicit FastRandom(uint64_t seed) noexcept : state_(seed | 1) {}
  uint32_t next() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<uint32_t>((state_ * 0x2545F4914F6CDD1Dull) >> 32);
  }

 private:
  uint64_t state_;
};

}  // namespace lodestar::engine
