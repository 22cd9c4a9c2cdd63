// SipHash-2-4 (Aumasson and Bernstein, 2012): the keyed hash of RFC 9018's server cookies.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lodestar::cookies {

/// SipHash-2-4 of `size` bytes at `data` under the 128-bit `key` (16 bytes, read as the
/// reference implementation reads them: two little-endian words). The value's eight bytes
/// in little-endian order are the hash as the reference implementation writes it out.
uint64_t sipHash24(const uint8_t* key, const uint8_t* data, size_t size) noexcept;

}  // namespace lodestar::cookies
