// The AF_XDP path's own header handling: what it accepts, and replies whose every header
// field and checksum a plain reference implementation agrees with.
#include <catch2/catch.hpp>

#include "dns/xdp/frame.hpp"
#include "tests/support/udp_frames.hpp"

using lodestar::test::FrameSpec;
using lodestar::test::udpFrame;
using namespace lodestar;

namespace {
unsigned get16(const std::vector<uint8_t>& v, size_t at) { return v[at] << 8 | v[at + 1]; }

// Parses `query`, writes `answer` as the payload and the reply's headers; the reply frame.
std::vector<uint8_t> reply(std::vector<uint8_t> frame, const std::vector<uint8_t>& answer) {
  xdp::UdpFrame udp;
  REQUIRE(xdp::parseUdpFrame(frame.data(), frame.size(), udp));
  frame.resize(udp.payloadOffset + answer.size());
  std::copy(answer.begin(), answer.end(), frame.begin() + static_cast<long>(udp.payloadOffset));
  frame.resize(xdp::writeReplyHeaders(frame.data(), udp, answer.size()));
  return frame;
}
}  // namespace

TEST_CASE("xdp frame: an IPv4 UDP query is found with its source and payload") {
  FrameSpec spec;
  spec.payload = {9, 8, 7};
  auto f = udpFrame(spec);
  xdp::UdpFrame udp;
  REQUIRE(xdp::parseUdpFrame(f.data(), f.size(), udp));
  CHECK(udp.source.toString() == "192.0.2.1");
  CHECK(udp.sourcePort == 40000);
  CHECK(udp.payloadOffset == 42);
  CHECK(udp.payloadSize == 3);
  // Ethernet padding after the datagram (short frames) is not payload.
  f.resize(f.size() + 10, 0);
  REQUIRE(xdp::parseUdpFrame(f.data(), f.size(), udp));
  CHECK(udp.payloadSize == 3);
}

TEST_CASE("xdp frame: an IPv6 UDP query is found with its source and payload") {
  FrameSpec spec{"2001:db8::1", "2001:db8::53"};
  spec.sourcePort = 5353;
  auto f = udpFrame(spec);
  xdp::UdpFrame udp;
  REQUIRE(xdp::parseUdpFrame(f.data(), f.size(), udp));
  CHECK(udp.source.toString() == "2001:db8::1");
  CHECK(udp.sourcePort == 5353);
  CHECK(udp.payloadOffset == 62);
  CHECK(udp.payloadSize == 5);
}

TEST_CASE("xdp frame: frames that are not a plain whole UDP datagram are refused") {
  auto v4 = udpFrame({});
  auto v6 = udpFrame({"2001:db8::1", "2001:db8::53"});
  xdp::UdpFrame udp;
  auto refused = [&](std::vector<uint8_t> f) { return !xdp::parseUdpFrame(f.data(), f.size(), udp); };
  CHECK(refused(std::vector<uint8_t>(v4.begin(), v4.end() - 1)));  // cut short
  CHECK(refused(std::vector<uint8_t>(v4.begin(), v4.begin() + 20)));
  CHECK(refused(std::vector<uint8_t>(v6.begin(), v6.end() - 1)));
  auto edit = [](std::vector<uint8_t> f, size_t at, uint8_t value) {
    f[at] = value;
    return f;
  };
  CHECK(refused(edit(v4, 12, 0x81)));       // a VLAN tag (the kernel filter passes these on)
  CHECK(refused(edit(v4, 14, 0x46)));       // IPv4 options
  CHECK(refused(edit(v4, 14 + 9, 6)));      // TCP
  CHECK(refused(edit(v4, 14 + 6, 0x20)));   // more fragments
  CHECK(refused(edit(v4, 14 + 7, 0x01)));   // a fragment's offset
  CHECK(refused(edit(v4, 14 + 2, 0xFF)));   // IP length past the frame
  CHECK(refused(edit(v4, 34 + 4, 0xFF)));   // UDP length past the IP datagram
  CHECK(refused(edit(edit(v4, 34 + 4, 0), 34 + 5, 7)));  // UDP length below its header
  CHECK(refused(edit(v6, 14 + 6, 0)));      // an extension header (hop-by-hop)
  CHECK(refused(edit(v6, 14, 0x40)));       // not version 6
  CHECK(refused(edit(v6, 14 + 4, 0xFF)));   // payload length past the frame
}

TEST_CASE("xdp frame: the IPv4 reply goes back to the sender with headers and checksums right") {
  FrameSpec spec;
  spec.sourcePort = 51234;
  auto query = udpFrame(spec);
  for (size_t size : {0u, 1u, 12u, 13u, 511u, 1400u}) {
    std::vector<uint8_t> answer(size);
    for (size_t i = 0; i < size; ++i) answer[i] = static_cast<uint8_t>(i * 7 + 1);
    auto r = reply(query, answer);
    REQUIRE(r.size() == 42 + size);
    CHECK(std::equal(r.begin(), r.begin() + 6, query.begin() + 6));  // MACs swapped
    CHECK(std::equal(r.begin() + 6, r.begin() + 12, query.begin()));
    CHECK(std::equal(r.begin() + 26, r.begin() + 30, query.begin() + 30));  // addresses swapped
    CHECK(std::equal(r.begin() + 30, r.begin() + 34, query.begin() + 26));
    CHECK(get16(r, 34) == 53);
    CHECK(get16(r, 36) == 51234);
    CHECK(get16(r, 16) == 28 + size);  // IP total length
    CHECK(get16(r, 38) == 8 + size);   // UDP length
    CHECK(r[22] == 64);
    CHECK(get16(r, 20) == 0x4000);     // don't fragment, no offset
    CHECK(lodestar::test::checksumsVerify(r));
  }
}

TEST_CASE("xdp frame: the IPv6 reply goes back to the sender with its checksum right") {
  auto query = udpFrame({"2001:db8::1", "2001:db8:ffff::53", 1234, 53});
  for (size_t size : {0u, 3u, 64u, 1231u}) {
    std::vector<uint8_t> answer(size, 0xAB);
    auto r = reply(query, answer);
    REQUIRE(r.size() == 62 + size);
    CHECK(std::equal(r.begin() + 22, r.begin() + 38, query.begin() + 38));
    CHECK(std::equal(r.begin() + 38, r.begin() + 54, query.begin() + 22));
    CHECK(get16(r, 18) == 8 + size);  // payload length
    CHECK(r[21] == 64);
    CHECK(get16(r, 56) == 1234);
    CHECK(lodestar::test::checksumsVerify(r));
  }
}

TEST_CASE("xdp frame: a UDP checksum that sums to zero is sent as all ones") {
  // The reference tells which payload byte pair makes the sum come out zero; find one.
  auto query = udpFrame({});
  bool seen = false;
  for (unsigned v = 0; v < 0x10000 && !seen; ++v) {
    auto r = reply(query, {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
    if (get16(r, 40) == 0xFFFF) {
      seen = true;
      CHECK(lodestar::test::checksumsVerify(r));
    }
    REQUIRE(get16(r, 40) != 0);
  }
  CHECK(seen);
}
