// Per-worker query counters: written by one thread only (a relaxed load and store, no
// locked instruction), read by the control thread at any time and summed.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "zones/stats_slots.hpp"

namespace lodestar::engine {

/// A counter with one writer: increments compile to a plain add; readers see a recent value.
class Counter {
 public:
  [[gnu::always_inline]] void operator++() noexcept { v_.store(v_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  void operator+=(uint64_t n) noexcept { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

/// Owned by exactly one worker. Aligned so no two workers share a cache line.
struct alignas(64) QueryStats {
  Counter received;
  Counter dropped;    // no answer sent: shorter than a header, or QR=1
  Counter truncated;  // answered with TC=1
  Counter withEcs;
  Counter failOpen;   // steered answers given with no region healthy enough
  Counter unsent;     // answers made but not sent: the socket did not take them (UDP)
  // DNSSEC's online signing (dns/dnssec/online_signer): sets whose signatures came from the
  // worker's cache, signatures made, and answers left unsigned because signing failed.
  Counter signatureHits, signaturesMade, signingFailures;
  // Response rate limiting (dns/rrl), by rrl::RateClass: answers dropped, and those sent
  // empty with TC=1 instead (the slip).
  static constexpr size_t kRateClasses = 4;
  std::array<Counter, kRateClasses> rateLimited, rateSlipped;
  // DNS cookies (RFC 7873), queries with a COOKIE option by what the cookie stage found
  // (engine::CookieState: ClientOnly, Valid, Invalid; None for one the answer ignores).
  static constexpr size_t kCookieStates = 4;
  std::array<Counter, kCookieStates> cookies;
  static constexpr size_t kRcodeSlots = 32;  // a power of two: the rcode's slot is a mask, not a division
  static_assert((kRcodeSlots & (kRcodeSlots - 1)) == 0);
  std::array<Counter, kRcodeSlots> byRcode;  // extended rcodes up to BADVERS (16) and beyond
  std::array<Counter, 260> byQtype;   // 0..258 exact (CAA is 257); the last slot counts the rest
  std::array<Counter, 64> byRegion;   // steered answers per RegionId (the last slot: the rest)
  static constexpr size_t kZoneSlots = zones::kZoneStatsSlots;
  std::array<Counter, kZoneSlots> byZone;  // queries per Zone::statsSlot() (the last: the rest)
  static constexpr size_t kSteeredSlots = zones::kSteeredStatsSlots;
  /// Steered answers per record and region first chosen: SteeredRecord::statsBlock + RegionId
  /// (the last slot: records past the first few thousand, see zones::View::setRegions).
  std::array<Counter, kSteeredSlots> bySteered;

  /// The answer path's time, one query in Pipeline::kTimeEvery: bucket i holds times up to
  /// kTimeBucketBaseNs << i (the last: longer), the sum in nanoseconds.
  static constexpr size_t kTimeBuckets = 13;
  static constexpr uint64_t kTimeBucketBaseNs = 500;
  std::array<Counter, kTimeBuckets> answerTime;
  Counter answerTimeSumNs;  // added to by whole samples, written by one thread like the rest
  void countTime(uint64_t ns) noexcept;

  void countQtype(uint16_t qtype) noexcept { ++byQtype[qtype < byQtype.size() - 1 ? qtype : byQtype.size() - 1]; }
  void countRegion(uint16_t region) noexcept { ++byRegion[region < byRegion.size() - 1 ? region : byRegion.size() - 1]; }
  void countSteered(size_t slot) noexcept { ++bySteered[slot < bySteered.size() - 1 ? slot : bySteered.size() - 1]; }
};

/// How the queries a QueryStats counts came in: each worker's UDP loops, its TCP thread, the
/// AF_XDP path (UDP to the answer path, counted apart). Told when summing, never per query.
enum class QueryPath : uint8_t { Udp, Tcp, Xdp };
inline constexpr size_t kQueryPaths = 3;

/// The path's name in lower case ("udp", "tcp", "xdp"), for the stats and the metrics.
const char* queryPathName(QueryPath path) noexcept;

/// A plain snapshot of summed counters.
struct StatsTotals {
  uint64_t received = 0, dropped = 0, truncated = 0, withEcs = 0, failOpen = 0, unsent = 0;
  uint64_t signatureHits = 0, signaturesMade = 0, signingFailures = 0;
  std::array<uint64_t, QueryStats::kRateClasses> rateLimited{}, rateSlipped{};
  std::array<uint64_t, QueryStats::kCookieStates> cookies{};
  std::array<uint64_t, kQueryPaths> byPath{};  // received, by QueryPath
  std::array<uint64_t, QueryStats::kRcodeSlots> byRcode{};
  std::array<uint64_t, 260> byQtype{};
  std::array<uint64_t, 64> byRegion{};
  std::array<uint64_t, QueryStats::kZoneSlots> byZone{};
  std::array<uint64_t, QueryStats::kSteeredSlots> bySteered{};
  std::array<uint64_t, QueryStats::kTimeBuckets> answerTime{};  // per bucket, not cumulative
  uint64_t answerTimeSumNs = 0;
  void add(const QueryStats& s, QueryPath path) noexcept;
};

}  // namespace lodestar::engine
