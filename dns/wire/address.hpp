// An IPv4 or IPv6 address or prefix as the locator sees it: plain bytes, no sockaddr.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;
struct sockaddr_storage;

namespace lodestar::wire {

/// Address family numbers as RFC 7871 (ECS) and IANA define them.
enum class Family : uint8_t { None = 0, IPv4 = 1, IPv6 = 2 };

/// An address in network byte order; IPv4 uses the first 4 bytes.
struct Address {
  Family family = Family::None;
  std::array<uint8_t, 16> bytes{};

  /// Width in bits of this family (32 or 128; 0 for None).
  unsigned bits() const noexcept {
    return family == Family::IPv4 ? 32u : family == Family::IPv6 ? 128u : 0u;
  }
  bool operator==(const Address&) const = default;

  /// Parses "192.0.2.1" or "2001:db8::1".
  static std::optional<Address> parse(std::string_view text);
  /// Reads a sockaddr_in / sockaddr_in6; an IPv4-mapped IPv6 address becomes IPv4.
  static Address fromSockaddr(const sockaddr* sa) noexcept;
  /// Writes this address and `port` as a sockaddr_in / sockaddr_in6; returns its length.
  unsigned toSockaddr(uint16_t port, sockaddr_storage& out) const noexcept;
  std::string toString() const;
};

/// An address with a prefix length: a network (CIDR) or an ECS client subnet.
struct Prefix {
  Address address;
  uint8_t length = 0;

  bool operator==(const Prefix&) const = default;
  /// Parses "198.51.100.0/24"; host bits past the prefix are rejected.
  static std::optional<Prefix> parse(std::string_view text);
  std::string toString() const;
};

/// True when every bit of `bytes` past the first `prefixBits` bits is zero (inline: the
/// query parser checks every ECS option with it).
inline bool hostBitsAreZero(const uint8_t* bytes, unsigned byteCount, unsigned prefixBits) noexcept {
  // Bytes wholly inside the prefix are never looked at.
  unsigned i = prefixBits / 8;
  if (i < byteCount && prefixBits % 8 && (bytes[i++] & (0xFFu >> (prefixBits % 8)))) return false;
  for (; i < byteCount; ++i)
    if (bytes[i]) return false;
  return true;
}

}  // namespace lodestar::wire
