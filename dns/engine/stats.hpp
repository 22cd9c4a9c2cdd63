// Per-worker query counters: plain fields written by one thread, summed by the reader.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace lodestar::dns {

/// Owned by exactly one worker; never written by another thread. Readers sum the workers'
/// copies and accept slightly stale values. Aligned so no two workers share a cache line.
struct alignas(64) QueryStats {
  uint64_t received = 0;
  uint64_t dropped = 0;    // no answer sent: shorter than a header, or QR=1
  uint64_t truncated = 0;  // answered with TC=1
  uint64_t withEcs = 0;
  uint64_t failOpen = 0;  // steered answers given with no region healthy enough
  std::array<uint64_t, 24> byRcode{};   // extended rcodes up to BADVERS (16) and a little beyond
  std::array<uint64_t, 260> byQtype{};  // 0..258 exact (CAA is 257); the last slot counts the rest

  void countQtype(uint16_t qtype) noexcept { ++byQtype[qtype < byQtype.size() - 1 ? qtype : byQtype.size() - 1]; }
  void add(const QueryStats& o) noexcept;
};

}  // namespace lodestar::dns
