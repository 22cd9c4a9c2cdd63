// The answer path: query bytes + client + view → answer bytes. Pure and noexcept: no locks,
// no allocation, no I/O, so it is tested without sockets.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dns/engine/fast_random.hpp"
#include "dns/engine/stats.hpp"
#include "dns/wire/address.hpp"

namespace lodestar::zones {
class View;
}

namespace lodestar::engine {

enum class Transport : uint8_t { Udp, Tcp };

struct Client {
  wire::Address source;
  Transport transport = Transport::Udp;
  uint32_t entropy = 0;  // the randomness used when there is no generator (tests)
  FastRandom* random = nullptr;  // the thread's own generator, drawn from only when a policy needs it

  /// Per-query randomness for the weighted and all policies; most answers never ask.
  uint32_t draw() const noexcept { return random ? random->next() : entropy; }
};

/// Writes the answer to the query in `query[0..size)` into `out` (at least 65535 bytes for
/// TCP, or the UDP limit) and returns its length; 0 means send nothing.
/// `udpLimit` caps UDP answers beyond what the client advertises.
size_t answerQuery(const uint8_t* query, size_t size, const Client& client, const zones::View& view, uint8_t* out,
                   size_t outCapacity, QueryStats& stats, uint16_t udpLimit = 1232) noexcept;

}  // namespace lodestar::engine
