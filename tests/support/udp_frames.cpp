#include "tests/support/udp_frames.hpp"

#include <algorithm>
#include <stdexcept>

#include "dns/wire/address.hpp"

namespace lodestar::test {

namespace {
void put16(std::vector<uint8_t>& v, size_t at, unsigned x) {
  v[at] = static_cast<uint8_t>(x >> 8);
  v[at + 1] = static_cast<uint8_t>(x);
}
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}
unsigned get16(const std::vector<uint8_t>& v, size_t at) { return v[at] << 8 | v[at + 1]; }

uint32_t pseudoSum(const std::vector<uint8_t>& f, bool v4, size_t udpLength) {
  const size_t ip = 14;
  uint32_t sum = v4 ? onesComplementSum(&f[ip + 12], 8) : onesComplementSum(&f[ip + 8], 32);
  return sum + 17 + static_cast<uint32_t>(udpLength);
}
}  // namespace

uint32_t onesComplementSum(const uint8_t* bytes, size_t size, uint32_t sum) {
  for (size_t i = 0; i + 1 < size; i += 2) sum += static_cast<uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (size % 2) sum += static_cast<uint32_t>(bytes[size - 1] << 8);
  return sum;
}

std::vector<uint8_t> udpFrame(const FrameSpec& spec) {
  auto src = wire::Address::parse(spec.source), dst = wire::Address::parse(spec.destination);
  if (!src || !dst || src->family != dst->family) throw std::invalid_argument("bad frame addresses");
  const bool v4 = src->family == wire::Family::IPv4;
  const size_t ipSize = v4 ? 20 : 40, udpLength = 8 + spec.payload.size();
  std::vector<uint8_t> f(14 + ipSize + udpLength, 0);
  for (size_t i = 0; i < 6; ++i) f[i] = static_cast<uint8_t>(0x02), f[6 + i] = static_cast<uint8_t>(0x10 + i);
  put16(f, 12, v4 ? 0x0800 : 0x86DD);
  const size_t ip = 14, udp = 14 + ipSize;
  if (v4) {
    f[ip] = 0x45;
    put16(f, ip + 2, 20 + udpLength);
    put16(f, ip + 4, 0x1234);
    f[ip + 8] = 61;
    f[ip + 9] = spec.protocol;
    std::copy_n(src->bytes.begin(), 4, f.begin() + ip + 12);
    std::copy_n(dst->bytes.begin(), 4, f.begin() + ip + 16);
    put16(f, ip + 10, fold(onesComplementSum(&f[ip], 20)));
  } else {
    f[ip] = 0x60;
    put16(f, ip + 4, udpLength);
    f[ip + 6] = spec.protocol;
    f[ip + 7] = 61;
    std::copy_n(src->bytes.begin(), 16, f.begin() + ip + 8);
    std::copy_n(dst->bytes.begin(), 16, f.begin() + ip + 24);
  }
  put16(f, udp, spec.sourcePort);
  put16(f, udp + 2, spec.destinationPort);
  put16(f, udp + 4, udpLength);
  std::copy(spec.payload.begin(), spec.payload.end(), f.begin() + udp + 8);
  uint16_t c = fold(onesComplementSum(&f[udp], udpLength, pseudoSum(f, v4, udpLength)));
  put16(f, udp + 6, c ? c : 0xFFFF);
  return f;
}

bool checksumsVerify(const std::vector<uint8_t>& f) {
  const bool v4 = get16(f, 12) == 0x0800;
  const size_t ip = 14, udp = v4 ? 34 : 54;
  if (v4 && fold(onesComplementSum(&f[ip], 20)) != 0) return false;
  const size_t udpLength = get16(f, udp + 4);
  if (udp + udpLength > f.size()) return false;
  return fold(onesComplementSum(&f[udp], udpLength, pseudoSum(f, v4, udpLength))) == 0;
}

}  // namespace lodestar::test
