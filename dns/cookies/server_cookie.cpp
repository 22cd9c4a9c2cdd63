// Making and checking RFC 9018 server cookies.
#include "dns/cookies/server_cookie.hpp"

#include <bit>
#include <cstring>

#include "dns/cookies/siphash.hpp"

namespace lodestar::cookies {

namespace {

// The hash's input (client cookie | version | reserved | timestamp | client IP) is whole
// words but for an IPv4 address: hashed a word at a time, with no buffer to build.
uint64_t hashOf(const Secret& secret, const uint8_t* clientCookie, const uint8_t* versionToTimestamp,
                const wire::Address& client) noexcept {
  SipHash24 h(secret.data());
  h.compress(loadLe64(clientCookie));
  h.compress(loadLe64(versionToTimestamp));
  const uint8_t* ip = client.bytes.data();
  if (client.family == wire::Family::IPv4) {
    const uint64_t address = uint64_t{ip[0]} | uint64_t{ip[1]} << 8 | uint64_t{ip[2]} << 16 | uint64_t{ip[3]} << 24;
    return h.finish(address | uint64_t{8 + 8 + 4} << 56);
  }
  h.compress(loadLe64(ip));
  h.compress(loadLe64(ip + 8));
  return h.finish(uint64_t{8 + 8 + 16} << 56);
}

void putLe64(uint8_t* p, uint64_t v) noexcept {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// Compared as one word: no byte-by-byte exit for a timing oracle to count.
bool hashIs(const Secret& secret, const uint8_t* clientCookie, const uint8_t* serverCookie,
            const wire::Address& client) noexcept {
  return loadLe64(serverCookie + 8) == hashOf(secret, clientCookie, serverCookie, client);
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
