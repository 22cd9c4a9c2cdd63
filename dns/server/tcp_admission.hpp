// What every worker's TCP shares: the count of open connections against the one global cap,
// the count per client prefix against its cap, and the one "out of descriptors" episode.
// Touched on accept and close only, never per query.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "dns/wire/address.hpp"

namespace lodestar::server {

/// A client's address cut to the prefix the per-prefix cap counts (/24, /56 by default).
struct ClientPrefix {
  std::array<uint8_t, 16> bytes{};
  wire::Family family = wire::Family::None;
  bool operator==(const ClientPrefix&) const = default;
};

struct TcpLimits {
  unsigned maxConnections = 1024;  ///< over all workers
  unsigned maxPerPrefix = 128;     ///< over all workers, per client prefix
  uint8_t prefixV4 = 24;
  uint8_t prefixV6 = 56;
};

class TcpAdmission {
 public:
  enum class Verdict { Admitted, PrefixFull, Full };

  explicit TcpAdmission(TcpLimits limits) : limits_(limits) {}

  ClientPrefix prefixOf(const wire::Address& peer) const noexcept;
  /// Takes a slot for a connection from `prefix`, or says which cap is in the way.
  Verdict admit(const ClientPrefix& prefix);
  /// Gives back the slot of a connection that was admitted.
  void release(const ClientPrefix& prefix);
  unsigned open() const noexcept { return open_.load(std::memory_order_relaxed); }
  /// Over all workers, for stats and metrics: connections closed at once because no slot
  /// could be made, and connections closed to make a slot for a new one. Counted on the
  /// accept path (which already takes lock_ in admit()), never per query.
  void countRefused() noexcept { refused_.fetch_add(1, std::memory_order_relaxed); }
  void countEvicted() noexcept { evicted_.fetch_add(1, std::memory_order_relaxed); }
  uint64_t refused() const noexcept { return refused_.load(std::memory_order_relaxed); }
  uint64_t evicted() const noexcept { return evicted_.load(std::memory_order_relaxed); }
  const TcpLimits& limits() const noexcept { return limits_; }

  /// accept() ran out of descriptors (or kernel memory): true for the first worker to see
  /// it in this episode, which logs it; the episode ends at the next accept that works.
  bool startShortage() noexcept { return !shortage_.exchange(true, std::memory_order_relaxed); }
  /// True when an episode was on (the caller logs its end).
  bool endShortage() noexcept {
    return shortage_.load(std::memory_order_relaxed) && shortage_.exchange(false, std::memory_order_relaxed);
  }

 private:
  struct PrefixHash {
    size_t operator()(const ClientPrefix& p) const noexcept;
  };
  TcpLimits limits_;
  std::mutex lock_;  // guards perPrefix_ and the admission decision
  std::unordered_map<ClientPrefix, unsigned, PrefixHash> perPrefix_;
  std::atomic<unsigned> open_{0};
  std::atomic<bool> shortage_{false};
  std::atomic<uint64_t> refused_{0}, evicted_{0};
};

}  // namespace lodestar::server
