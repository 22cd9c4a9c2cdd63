// SipHash-2-4, written from the paper's description: two compression rounds per 8-byte word,
// four finalization rounds, the length in the last word's top byte.
#include "dns/cookies/siphash.hpp"

namespace lodestar::cookies {

namespace {

inline uint64_t rotl(uint64_t x, int b) noexcept { return x << b | x >> (64 - b); }

inline uint64_t le64(const uint8_t* p) noexcept {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

struct State {
  uint64_t v0, v1, v2, v3;

  void round() noexcept {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void compress(uint64_t m) noexcept {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

}  // namespace

uint64_t sipHash24(const uint8_t* key, const uint8_t* data, size_t size) noexcept {
  const uint64_t k0 = le64(key), k1 = le64(key + 8);
  State s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
          k1 ^ 0x7465646279746573ULL};
  const size_t whole = size & ~size_t{7};
  for (size_t at = 0; at < whole; at += 8) s.compress(le64(data + at));
  // The last word: the bytes left over, and the length (mod 256) in its top byte.
  uint64_t last = uint64_t(size & 0xFF) << 56;
  for (size_t i = 0; i < (size & 7); ++i) last |= uint64_t(data[whole + i]) << (8 * i);
  s.compress(last);
  s.v2 ^= 0xFF;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace lodestar::cookies
