// Ethernet + IPv4/IPv6 + UDP framing for the AF_XDP path, where no kernel stack reads or
// writes these headers for us. Pure functions on bytes, tested without a network.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dns/wire/address.hpp"

namespace lodestar::xdp {

constexpr size_t kEthernetHeader = 14;
constexpr size_t kIPv4Header = 20;  // the filter lets only option-less IPv4 through
constexpr size_t kIPv6Header = 40;  // and only IPv6 without extension headers
constexpr size_t kUdpHeader = 8;

/// Where a UDP datagram sits in a received frame.
struct UdpFrame {
  wire::Address source;
  uint16_t sourcePort = 0;
  size_t payloadOffset = 0;  // kEthernetHeader + IP header + kUdpHeader
  size_t payloadSize = 0;
};

/// Reads an Ethernet frame holding an unfragmented, option-less IPv4 or extension-less IPv6
/// UDP datagram whose lengths agree with the frame; false for anything else (the frame is
/// then dropped: the kernel filter passes only such frames, so another one is malformed).
bool parseUdpFrame(const uint8_t* frame, size_t size, UdpFrame& out) noexcept;

/// Turns the query's headers at the start of `frame` into the reply's, in place: MAC and IP
/// addresses and UDP ports swapped, lengths for a `payloadSize`-byte payload already written
/// at query.payloadOffset, hop limit reset, IPv4 header and UDP checksums computed. Returns
/// the reply frame's size.
size_t writeReplyHeaders(uint8_t* frame, const UdpFrame& query, size_t payloadSize) noexcept;

/// The UDP checksum (RFC 768 / RFC 8200 8.1) of the datagram at `udp` (header with a zero
/// checksum field, then payload; `udpLength` bytes) between `source` and `destination`.
uint16_t udpChecksum(const wire::Address& source, const wire::Address& destination, const uint8_t* udp,
                     size_t udpLength) noexcept;

}  // namespace lodestar::xdp
