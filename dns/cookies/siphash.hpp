// SipHash-2-4 (Aumasson and Bernstein, 2012): the keyed hash of RFC 9018's server cookies.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lodestar::cookies {

/// Eight bytes read as a little-endian word, as SipHash reads its key and message.
inline uint64_t loadLe64(const uint8_t* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

/// SipHash-2-4 a word at a time, for a caller that knows its message's layout (a server
/// cookie's input is a few whole words): `compress` each 8-byte word of the message, then
/// `finish` with the last word: the bytes left over, and the length (mod 256) in its top byte.
class SipHash24 {
 public:
  explicit SipHash24(const uint8_t* key) noexcept {
    const uint64_t k0 = loadLe64(key), k1 = loadLe64(key + 8);
    v0_ = k0 ^ 0x736f6d6570736575ULL;
    v1_ = k1 ^ 0x646f72616e646f6dULL;
    v2_ = k0 ^ 0x6c7967656e657261ULL;
    v3_ = k1 ^ 0x7465646279746573ULL;
  }
  void compress(uint64_t m) noexcept {
    v3_ ^= m;
    round();
    round();
    v0_ ^= m;
  }
  uint64_t finish(uint64_t last) noexcept {
    compress(last);
    v2_ ^= 0xFF;
    round();
    round();
    round();
    round();
    return v0_ ^ v1_ ^ v2_ ^ v3_;
  }

 private:
  static uint64_t rotl(uint64_t x, int b) noexcept { return x << b | x >> (64 - b); }
  void round() noexcept {
    v0_ += v1_;
    v1_ = rotl(v1_, 13);
    v1_ ^= v0_;
    v0_ = rotl(v0_, 32);
    v2_ += v3_;
    v3_ = rotl(v3_, 16);
    v3_ ^= v2_;
    v0_ += v3_;
    v3_ = rotl(v3_, 21);
    v3_ ^= v0_;
    v2_ += v1_;
    v1_ = rotl(v1_, 17);
    v1_ ^= v2_;
    v2_ = rotl(v2_, 32);
  }
  uint64_t v0_, v1_, v2_, v3_;
};

/// SipHash-2-4 of `size` bytes at `data` under the 128-bit `key` (16 bytes, read as the
/// reference implementation reads them: two little-endian words). The value's eight bytes
/// in little-endian order are the hash as the reference implementation writes it out.
uint64_t sipHash24(const uint8_t* key, const uint8_t* data, size_t size) noexcept;

}  // namespace lodestar::cookies
