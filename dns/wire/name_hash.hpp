// The hash of a lowercase wire name: one definition for the query parser (which makes it
// while it lowercases the question) and the view's name index (which looks it up), so the
// two always agree. Word at a time; the words are read as memcpy loads them (host order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace lodestar::wire {

struct NameHash {
  static uint64_t of(std::string_view key) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(key.data());
    const size_t n = key.size();
    uint64_t h = seed(n);
    if (n < 8) {
      for (size_t i = 0; i < n; ++i) h = (h << 8 | h >> 56) ^ p[i];
      return mix(h);
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) h = absorb(h, load8(p + i));
    if (i < n) h = absorb(h, load8(p + n - 8));  // the last eight bytes, overlapping
    return finish(h);
  }
  // of() for a key of 8 bytes or more, for a caller that reads its words anyway: seed(n),
  // absorb() the words at 0, 8, 16... while they fit, then the last eight bytes if any are
  // left, then finish().
  static uint64_t seed(size_t n) noexcept { return n * 0x9E3779B97F4A7C15ull; }
  static uint64_t absorb(uint64_t h, uint64_t word) noexcept { return mix(h ^ word); }
  static uint64_t finish(uint64_t h) noexcept { return h ^ (h >> 31); }

  static uint64_t load8(const unsigned char* p) noexcept {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  static uint64_t mix(uint64_t h) noexcept {
    h *= 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
  }
};

}  // namespace lodestar::wire
