// Ethernet frames for the AF_XDP tests, built byte by byte the plain way (RFC 1071 checksum
// one 16-bit word at a time) so they check the server's faster code independently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lodestar::test {

struct FrameSpec {
  std::string source = "192.0.2.1", destination = "198.51.100.53";  // IPv4 or IPv6, both alike
  uint16_t sourcePort = 40000, destinationPort = 53;
  std::vector<uint8_t> payload{1, 2, 3, 4, 5};
  uint8_t protocol = 17;
};

/// An Ethernet frame carrying `spec` as IPv4 or IPv6 (by the addresses), checksums right.
std::vector<uint8_t> udpFrame(const FrameSpec& spec);

/// The ones' complement sum of `bytes` as 16-bit big-endian words (odd byte zero-padded).
uint32_t onesComplementSum(const uint8_t* bytes, size_t size, uint32_t sum = 0);
/// True when the frame's IPv4 header checksum (if IPv4) and UDP checksum verify.
bool checksumsVerify(const std::vector<uint8_t>& frame);

}  // namespace lodestar::test
