// Copies of a few dozen bytes at most (names, addresses) inline: a call into memcpy and its
// size dispatch cost more than the copy itself on the answer path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lodestar::wire {

/// Copies exactly `n` bytes: whole 8-byte words, the last one overlapping the one before;
/// nothing is read or written outside [0, n).
[[gnu::always_inline]] inline void copyShort(uint8_t* dst, const uint8_t* src, size_t n) noexcept {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) std::memcpy(dst + i, src + i, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else if (n > 0) {
    // 1 to 3 bytes: first, middle and last cover them all.
    dst[0] = src[0];
    dst[n / 2] = src[n / 2];
    dst[n - 1] = src[n - 1];
  }
}

}  // namespace lodestar::wire
