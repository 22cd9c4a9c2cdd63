// Header parsing and the reply's headers. Checksums are summed eight bytes at a time in the
// machine's byte order: a ones' complement sum is the same in either order once folded and
// stored back the way it was loaded (RFC 1071, 2(B)).
#include "dns/xdp/frame.hpp"

#include <cstring>

namespace lodestar::xdp {

namespace {
constexpr uint16_t kTypeIPv4 = 0x0800;
constexpr uint16_t kTypeIPv6 = 0x86DD;
constexpr uint8_t kProtocolUdp = 17;
constexpr uint8_t kHopLimit = 64;

uint16_t load16(const uint8_t* p) noexcept { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
void store16(uint8_t* p, size_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

template <typename T>
uint64_t addWord(uint64_t sum, const uint8_t* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  sum += v;
  return sum + (sum < v);  // the end-around carry
}

uint64_t addBytes(uint64_t sum, const uint8_t* p, size_t n) noexcept {
  for (; n >= 8; p += 8, n -= 8) sum = addWord<uint64_t>(sum, p);
  if (n >= 4) sum = addWord<uint32_t>(sum, p), p += 4, n -= 4;
  if (n >= 2) sum = addWord<uint16_t>(sum, p), p += 2, n -= 2;
  if (n) {
    const uint8_t last[2] = {*p, 0};  // an odd byte is the high half of a zero-padded word
    sum = addWord<uint16_t>(sum, last);
  }
  return sum;
}

// Folds the sum to 16 bits and complements it, in the order it was loaded.
uint16_t finish(uint64_t sum) noexcept {
  sum = (sum & 0xFFFFFFFF) + (sum >> 32);
  sum = (sum & 0xFFFFFFFF) + (sum >> 32);
  sum = (sum & 0xFFFF) + (sum >> 16);
  sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

void swapBytes(uint8_t* a, uint8_t* b, size_t n) noexcept {
  uint8_t t[16];
  std::memcpy(t, a, n);
  std::memcpy(a, b, n);
  std::memcpy(b, t, n);
}
}  // namespace

bool parseUdpFrame(const uint8_t* frame, size_t size, UdpFrame& out) noexcept {
  if (size < kEthernetHeader + kIPv4Header + kUdpHeader) return false;
  const uint8_t* ip = frame + kEthernetHeader;
  const uint16_t type = load16(frame + 12);
  size_t udpRoom;  // what the IP header says follows it
  if (type == kTypeIPv4) {
    const size_t total = load16(ip + 2);
    if (ip[0] != 0x45 || ip[9] != kProtocolUdp || (load16(ip + 6) & 0x3FFF) != 0) return false;  // options, fragments
    if (total < kIPv4Header + kUdpHeader || kEthernetHeader + total > size) return false;
    udpRoom = total - kIPv4Header;
    out.source.family = wire::Family::IPv4;
    out.source.bytes = {};
    std::memcpy(out.source.bytes.data(), ip + 12, 4);
    out.payloadOffset = kEthernetHeader + kIPv4Header + kUdpHeader;
  } else if (type == kTypeIPv6) {
    if (size < kEthernetHeader + kIPv6Header + kUdpHeader) return false;
    udpRoom = load16(ip + 4);
    if ((ip[0] >> 4) != 6 || ip[6] != kProtocolUdp) return false;
    if (udpRoom < kUdpHeader || kEthernetHeader + kIPv6Header + udpRoom > size) return false;
    out.source.family = wire::Family::IPv6;
    std::memcpy(out.source.bytes.data(), ip + 8, 16);
    out.payloadOffset = kEthernetHeader + kIPv6Header + kUdpHeader;
  } else {
    return false;
  }
  const size_t udpLength = load16(frame + out.payloadOffset - kUdpHeader + 4);
  if (udpLength < kUdpHeader || udpLength > udpRoom) return false;
  out.payloadSize = udpLength - kUdpHeader;
  out.sourcePort = static_cast<uint16_t>(load16(frame + out.payloadOffset - kUdpHeader));
  return true;
}

uint16_t udpChecksum(const wire::Address& source, const wire::Address& destination, const uint8_t* udp,
                     size_t udpLength) noexcept {
  const size_t addressSize = source.family == wire::Family::IPv4 ? 4 : 16;
  uint8_t tail[4] = {0, kProtocolUdp};  // zero, protocol, UDP length: the pseudo-header's rest
  store16(tail + 2, udpLength);
  uint64_t sum = addBytes(0, source.bytes.data(), addressSize);
  sum = addBytes(sum, destination.bytes.data(), addressSize);
  sum = addBytes(sum, tail, sizeof tail);
  sum = addBytes(sum, udp, udpLength);
  const uint16_t c = finish(sum);
  return c == 0 ? 0xFFFF : c;  // zero would mean "no checksum"
}

size_t writeReplyHeaders(uint8_t* frame, const UdpFrame& query, size_t payloadSize) noexcept {
  swapBytes(frame, frame + 6, 6);
  uint8_t* ip = frame + kEthernetHeader;
  uint8_t* udp = frame + query.payloadOffset - kUdpHeader;
  const size_t udpLength = kUdpHeader + payloadSize;
  wire::Address from, to;  // the reply's
  if (query.source.family == wire::Family::IPv4) {
    swapBytes(ip + 12, ip + 16, 4);
    ip[1] = 0;                       // no DSCP/ECN marks of the query's
    store16(ip + 2, kIPv4Header + udpLength);
    store16(ip + 4, 0);              // identification: never fragmented
    store16(ip + 6, 0x4000);         // don't fragment: the reply fits the link
    ip[8] = kHopLimit;
    store16(ip + 10, 0);
    const uint16_t c = finish(addBytes(0, ip, kIPv4Header));
    std::memcpy(ip + 10, &c, 2);
    from.family = to.family = wire::Family::IPv4;
    std::memcpy(from.bytes.data(), ip + 12, 4);
    std::memcpy(to.bytes.data(), ip + 16, 4);
  } else {
    swapBytes(ip + 8, ip + 24, 16);
    ip[0] = 0x60, ip[1] = ip[2] = ip[3] = 0;  // version 6, no traffic class or flow label
    store16(ip + 4, udpLength);
    ip[7] = kHopLimit;
    from.family = to.family = wire::Family::IPv6;
    std::memcpy(from.bytes.data(), ip + 8, 16);
    std::memcpy(to.bytes.data(), ip + 24, 16);
  }
  swapBytes(udp, udp + 2, 2);
  store16(udp + 4, udpLength);
  store16(udp + 6, 0);
  const uint16_t c = udpChecksum(from, to, udp, udpLength);
  std::memcpy(udp + 6, &c, 2);
  return query.payloadOffset + payloadSize;
}

}  // namespace lodestar::xdp
