// One worker's signatures made online, by the content they sign: a steered set's endpoints
// (or a denial's NSEC) with its owner, type and TTL. The region/health combinations are few,
// so in steady state every steered answer is a hit: no signing, no allocation, no lock.
// Fixed memory, chosen at start; a full cache replaces by slot (direct-mapped).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "dns/dnssec/rrsig.hpp"

namespace lodestar::dnssec {

class SignatureCache {
 public:
  static constexpr size_t kMaxContent = 320;   // owner + records; larger sets are signed each time
  /// One per signing key: two during a ZSK rollover, four during an algorithm rollover's
  /// double-signing (two algorithms, each with a ZSK rollover). A zone with more signing keys
  /// at once is refused at load (dns/dnssec/zone_signer.cpp).
  static constexpr size_t kMaxSignatures = 4;

  struct Entry {
    uint64_t hash = 0;
    uint64_t generation = 0;  // SignedZone::generation; 0: empty
    uint32_t refreshAt = 0;   // made again from this second on
    uint32_t ttl = 0;
    uint16_t type = 0;
    uint16_t contentLength = 0;
    uint8_t count = 0;
    uint16_t length[kMaxSignatures] = {};
    uint8_t content[kMaxContent];
    uint8_t rdata[kMaxSignatures][kMaxRrsigRdata];

    std::string_view signature(size_t i) const noexcept {
      return {reinterpret_cast<const char*>(rdata[i]), length[i]};
    }
  };

  /// `entries` is rounded up to a power of two. Its memory is taken at the first signing (a
  /// worker of a server without signed zones never does).
  explicit SignatureCache(size_t entries) noexcept {
    size_t n = 1;
    while (n < entries) n <<= 1;
    mask_ = n - 1;
  }

  /// Eight bytes a step (a steered set's key is ~60 bytes: this is per answer).
  static uint64_t hashOf(uint64_t generation, uint16_t type, uint32_t ttl, std::string_view content) noexcept {
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    uint64_t h = (generation ^ (uint64_t{type} << 32 | ttl)) * kMul;
    size_t i = 0;
    for (; i + 8 <= content.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, content.data() + i, 8);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
    }
    uint64_t tail = content.size();
    for (; i < content.size(); ++i) tail = tail << 8 | static_cast<uint8_t>(content[i]);
    h = (h ^ tail) * kMul;
    return h ^ (h >> 32);
  }

  /// The entry for this content if it holds signatures still fresh at `now`.
  const Entry* find(uint64_t hash, uint64_t generation, uint16_t type, uint32_t ttl, std::string_view content,
                    uint32_t now) const noexcept {
    if (!entries_) return nullptr;
    const Entry& e = entries_[hash & mask_];
    if (e.hash != hash || e.generation != generation || e.type != type || e.ttl != ttl || now >= e.refreshAt ||
        e.contentLength != content.size() || std::memcmp(e.content, content.data(), content.size()) != 0)
      return nullptr;
    return &e;
  }

  /// The slot for this content, emptied and keyed: the caller adds its signatures.
  Entry& take(uint64_t hash, uint64_t generation, uint16_t type, uint32_t ttl, std::string_view content,
              uint32_t refreshAt) {
    if (!entries_) entries_ = std::make_unique<Entry[]>(mask_ + 1);
    Entry& e = entries_[hash & mask_];
    e.hash = hash;
    e.generation = generation;
    e.type = type;
    e.ttl = ttl;
    e.refreshAt = refreshAt;
    e.count = 0;
    e.contentLength = static_cast<uint16_t>(content.size());
    std::memcpy(e.content, content.data(), content.size());
    return e;
  }

  size_t capacity() const noexcept { return mask_ + 1; }

 private:
  std::unique_ptr<Entry[]> entries_;
  size_t mask_ = 0;
};

}  // namespace lodestar::dnssec
