// Making and checking RFC 9018 server cookies.
#include "dns/cookies/server_cookie.hpp"

#include <cstring>

#include "dns/cookies/siphash.hpp"

namespace lodestar::cookies {

namespace {

// The hash's input: client cookie | version | reserved | timestamp | client IP (4 or 16 bytes).
uint64_t hashOf(const Secret& secret, const uint8_t* clientCookie, const uint8_t* versionToTimestamp,
                const wire::Address& client) noexcept {
  uint8_t input[wire::kClientCookieSize + 8 + 16];
  std::memcpy(input, clientCookie, wire::kClientCookieSize);
  std::memcpy(input + wire::kClientCookieSize, versionToTimestamp, 8);
  const size_t addressBytes = client.family == wire::Family::IPv4 ? 4 : 16;
  std::memcpy(input + wire::kClientCookieSize + 8, client.bytes.data(), addressBytes);
  return sipHash24(secret.data(), input, wire::kClientCookieSize + 8 + addressBytes);
}

void putLe64(uint8_t* p, uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

bool hashIs(const Secret& secret, const uint8_t* clientCookie, const uint8_t* serverCookie,
            const wire::Address& client) noexcept {
  uint8_t expected[8];
  putLe64(expected, hashOf(secret, clientCookie, serverCookie, client));
  // Compared whole: no byte-by-byte exit for a timing oracle to count.
  uint64_t got, want;
  std::memcpy(&got, serverCookie + 8, 8);
  std::memcpy(&want, expected, 8);
  return got == want;
}

}  // namespace

void makeServerCookie(const Secret& secret, const uint8_t* clientCookie, const wire::Address& client, uint32_t now,
                      uint8_t* out) noexcept {
  out[0] = kCookieVersion;
  out[1] = out[2] = out[3] = 0;  // reserved
  out[4] = static_cast<uint8_t>(now >> 24);
  out[5] = static_cast<uint8_t>(now >> 16);
  out[6] = static_cast<uint8_t>(now >> 8);
  out[7] = static_cast<uint8_t>(now);
  putLe64(out + 8, hashOf(secret, clientCookie, out, client));
}

CookieCheck checkServerCookie(const uint8_t* clientCookie, const uint8_t* serverCookie, size_t serverLength,
                              const wire::Address& client, uint32_t now, const Secret& current,
                              const Secret* previous) noexcept {
  // Ours are always version 1 and 16 bytes: any other was made by someone else.
  if (serverLength != wire::kServerCookieSize || serverCookie[0] != kCookieVersion) return CookieCheck::Invalid;
  const uint32_t made = uint32_t{serverCookie[4]} << 24 | uint32_t{serverCookie[5]} << 16 |
                        uint32_t{serverCookie[6]} << 8 | serverCookie[7];
  // Serial number arithmetic: a negative age is a time ahead of ours.
  const int32_t age = static_cast<int32_t>(now - made);
  if (age > int32_t{kMaxAge} || age < -int32_t{kMaxAhead}) return CookieCheck::Invalid;
  const bool fresh = age <= int32_t{kRenewAge} && !(serverCookie[1] | serverCookie[2] | serverCookie[3]);
  if (hashIs(current, clientCookie, serverCookie, client)) return fresh ? CookieCheck::Valid : CookieCheck::Renew;
  if (previous && hashIs(*previous, clientCookie, serverCookie, client)) return CookieCheck::Renew;
  return CookieCheck::Invalid;
}

}  // namespace lodestar::cookies
