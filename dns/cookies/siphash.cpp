// SipHash-2-4 of any message, written from the paper's description: two compression rounds
// per 8-byte word, four finalization rounds, the length in the last word's top byte.
#include "dns/cookies/siphash.hpp"

namespace lodestar::cookies {

uint64_t sipHash24(const uint8_t* key, const uint8_t* data, size_t size) noexcept {
  SipHash24 h(key);
  const size_t whole = size & ~size_t{7};
  for (size_t at = 0; at < whole; at += 8) h.compress(loadLe64(data + at));
  uint64_t last = uint64_t(size & 0xFF) << 56;
  for (size_t i = 0; i < (size & 7); ++i) last |= uint64_t(data[whole + i]) << (8 * i);
  return h.finish(last);
}

}  // namespace lodestar::cookies
