// Server cookies as RFC 9018 makes them: version 1, three reserved bytes, a 32-bit timestamp
// and SipHash-2-4 over the client cookie, those eight bytes and the client's address, keyed
// by the server's secret. Any server of an NS set with the same secret accepts them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "dns/wire/address.hpp"
#include "dns/wire/constants.hpp"

namespace lodestar::cookies {

/// A server secret: SipHash-2-4's 128-bit key.
using Secret = std::array<uint8_t, 16>;

inline constexpr uint8_t kCookieVersion = 1;
/// RFC 9018 section 4.3: a cookie more than an hour old or five minutes ahead is invalid; one
/// more than half an hour old is answered with a new one.
inline constexpr uint32_t kMaxAge = 3600;
inline constexpr uint32_t kMaxAhead = 300;
inline constexpr uint32_t kRenewAge = 1800;

/// Writes the wire::kServerCookieSize bytes of the server cookie for the 8-byte
/// `clientCookie` sent from `client` at `now` (seconds since 1970, modulo 2^32).
void makeServerCookie(const Secret& secret, const uint8_t* clientCookie, const wire::Address& client, uint32_t now,
                      uint8_t* out) noexcept;

/// What a server cookie sent back to us is worth.
enum class CookieCheck : uint8_t {
  Valid,    // made by us (the current secret) for this client, at most half an hour ago: send it back
  Renew,    // valid, but older than half an hour, made with the previous secret, or with reserved
            // bits set: valid, and the answer carries a new one
  Invalid,  // not made for this client and client cookie by either secret, or out of its hour
};

/// Checks the `serverLength` bytes of `serverCookie` that came with the 8-byte `clientCookie`
/// from `client` at `now`, against the `current` secret and, during a rollover, `previous`
/// (null: none). Timestamps compare as serial numbers (RFC 1982), as RFC 9018 asks.
CookieCheck checkServerCookie(const uint8_t* clientCookie, const uint8_t* serverCookie, size_t serverLength,
                              const wire::Address& client, uint32_t now, const Secret& current,
                              const Secret* previous) noexcept;

}  // namespace lodestar::cookies
